package dev.gatehouse.keycloak.mapper;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.jboss.logging.Logger;
import org.keycloak.models.ClientModel;
import org.keycloak.models.ClientSessionContext;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.ProtocolMapperContainerModel;
import org.keycloak.models.ProtocolMapperModel;
import org.keycloak.models.RealmModel;
import org.keycloak.models.RoleModel;
import org.keycloak.models.UserSessionModel;
import org.keycloak.protocol.ProtocolMapperConfigException;
import org.keycloak.protocol.oidc.mappers.AbstractOIDCProtocolMapper;
import org.keycloak.protocol.oidc.mappers.OIDCAccessTokenMapper;
import org.keycloak.protocol.oidc.mappers.OIDCAttributeMapperHelper;
import org.keycloak.protocol.oidc.mappers.OIDCIDTokenMapper;
import org.keycloak.protocol.oidc.mappers.TokenIntrospectionTokenMapper;
import org.keycloak.protocol.oidc.mappers.UserInfoTokenMapper;
import org.keycloak.provider.ProviderConfigProperty;
import org.keycloak.provider.ProviderConfigurationBuilder;
import org.keycloak.representations.IDToken;
import org.keycloak.utils.JsonUtils;

/**
 * Puts the subject's effective permissions (the client roles of one dedicated permissions client) and its
 * effective realm roles into tokens, userinfo and introspection.
 * <p>
 * Roles come from {@link ClientSessionContext#getRolesStream()}, as in Keycloak's own role mappers: direct,
 * group and default roles with composites expanded, then limited to the requesting client's role scope.
 * A client with {@code fullScopeAllowed=false} therefore only sees the permissions in its scope.
 */
public class PermissionsMapper extends AbstractOIDCProtocolMapper
        implements OIDCAccessTokenMapper, OIDCIDTokenMapper, UserInfoTokenMapper, TokenIntrospectionTokenMapper {

    public static final String PROVIDER_ID = "gatehouse-permissions-mapper";

    private static final Logger LOG = Logger.getLogger(PermissionsMapper.class);
    private static final WarningThrottle MISSING_CLIENT_WARNINGS =
            new WarningThrottle(Duration.ofMinutes(1), System::nanoTime);

    private static final List<ProviderConfigProperty> CONFIG_PROPERTIES = buildConfigProperties();

    private static List<ProviderConfigProperty> buildConfigProperties() {
        List<ProviderConfigProperty> properties = new ArrayList<>();
        OIDCAttributeMapperHelper.addTokenClaimNameConfig(properties);
        properties.get(0).setDefaultValue(MapperSettings.DEFAULT_CLAIM_NAME);
        properties.addAll(ProviderConfigurationBuilder.create()
                .property()
                .name(MapperSettings.PERMISSIONS_CLIENT)
                .label("Permissions client")
                .helpText("Client ID of the client whose client roles are the permissions. Realm roles hold them as"
                        + " composites. If no such client exists, the permissions claim is left out and a warning is logged.")
                .type(ProviderConfigProperty.STRING_TYPE)
                .defaultValue(MapperSettings.DEFAULT_PERMISSIONS_CLIENT)
                .add()
                .property()
                .name(MapperSettings.ROLES_CLAIM_NAME)
                .label("Roles claim name")
                .helpText("Claim that receives the effective realm role names (without the default-roles composite,"
                        + " offline_access and uma_authorization). Leave empty to omit it.")
                .type(ProviderConfigProperty.STRING_TYPE)
                .defaultValue(MapperSettings.DEFAULT_ROLES_CLAIM_NAME)
                .add()
                .build());
        OIDCAttributeMapperHelper.addIncludeInTokensConfig(properties, PermissionsMapper.class);
        return List.copyOf(properties);
    }

    @Override
    public String getId() {
        return PROVIDER_ID;
    }

    @Override
    public String getDisplayType() {
        return "Gatehouse permissions";
    }

    @Override
    public String getDisplayCategory() {
        return TOKEN_MAPPER_CATEGORY;
    }

    @Override
    public String getHelpText() {
        return "Adds the user's effective permissions: the client roles of the permissions client that the user holds"
                + " directly, through groups, default roles or composite realm roles, limited to the requesting"
                + " client's role scope. Sorted JSON array. Optionally adds the effective realm role names too.";
    }

    @Override
    public List<ProviderConfigProperty> getConfigProperties() {
        return CONFIG_PROPERTIES;
    }

    @Override
    public void validateConfig(KeycloakSession session, RealmModel realm, ProtocolMapperContainerModel client,
                               ProtocolMapperModel mapperModel) throws ProtocolMapperConfigException {
        List<String> problems = MapperSettings.from(mapperModel.getConfig()).problems();
        if (!problems.isEmpty()) {
            // With a null message key Keycloak's admin API answers 500 instead of 400; an unknown key falls back to the text.
            throw new ProtocolMapperConfigException(String.join(" ", problems), "gatehousePermissionsMapperInvalidConfig");
        }
    }

    @Override
    protected void setClaim(IDToken token, ProtocolMapperModel mappingModel, UserSessionModel userSession,
                            KeycloakSession session, ClientSessionContext clientSessionCtx) {
        MapperSettings settings = MapperSettings.from(mappingModel.getConfig());
        RealmModel realm = userSession.getRealm();
        List<GrantedRole> roles = GrantedRoles.of(clientSessionCtx.getRolesStream());

        ClientModel permissionsClient = realm.getClientByClientId(settings.permissionsClient());
        if (permissionsClient == null) {
            warnMissingPermissionsClient(mappingModel, realm, settings);
        } else {
            putClaim(token, settings.claimName(), PermissionResolver.permissions(roles, permissionsClient.getId()));
        }

        settings.rolesClaimName().ifPresent(rolesClaim -> {
            RoleModel defaultRoles = realm.getDefaultRole();
            String defaultRolesName = defaultRoles == null ? null : defaultRoles.getName();
            putClaim(token, rolesClaim, PermissionResolver.realmRoles(roles, defaultRolesName));
        });
    }

    /** Replaces any earlier value: a merge with another mapper's claim could smuggle in extra permissions. */
    private static void putClaim(IDToken token, String claimName, List<String> values) {
        JsonUtils.mapClaim(JsonUtils.splitClaimPath(claimName), values, token.getOtherClaims(), false);
    }

    private static void warnMissingPermissionsClient(ProtocolMapperModel mappingModel, RealmModel realm,
                                                     MapperSettings settings) {
        if (!MISSING_CLIENT_WARNINGS.shouldLog(realm.getName() + "/" + settings.permissionsClient())) {
            return;
        }
        LOG.warnf("Gatehouse permissions mapper '%s' in realm '%s' names permissions client '%s', but the realm has no"
                        + " client with that Client ID. Tokens are issued WITHOUT the '%s' claim, so the gateway will"
                        + " deny these users. Fix: create the client '%s' (its client roles are the permissions), or set"
                        + " the mapper's '%s' option to the right Client ID. (Repeated at most once a minute.)",
                mappingModel.getName(), realm.getName(), settings.permissionsClient(), settings.claimName(),
                settings.permissionsClient(), MapperSettings.PERMISSIONS_CLIENT);
    }
}
