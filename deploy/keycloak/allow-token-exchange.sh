#!/usr/bin/env bash
# Lets a client exchange an identity provider's access token for a realm token (legacy token exchange v1, external
# to internal), e.g. the public "mobile" client with a Google access token. Run once after Keycloak's first start;
# running it again changes nothing. Needs curl and jq, and a Keycloak built with
# --features=token-exchange:v1,admin-fine-grained-authz:v1 (deploy/keycloak/Dockerfile does).
#
#   GATEHOUSE_KEYCLOAK_ADMIN_USERNAME=admin GATEHOUSE_KEYCLOAK_ADMIN_PASSWORD=... \
#     deploy/keycloak/allow-token-exchange.sh https://sso.example.com [realm] [identity provider] [client]
#
# Defaults: realm "gatehouse", provider "google", client "mobile". The permission lives in the fine-grained admin
# permissions of the realm-management client, which a realm file cannot hold, hence the admin REST API:
#   1. PUT  identity-provider/instances/<alias>/management/permissions {"enabled":true}
#      -> scopePermissions["token-exchange"] is the id of the provider's token-exchange permission;
#   2. a client policy "token-exchange: client <client>" naming the client (created once);
#   3. that policy attached to the permission, decision strategy AFFIRMATIVE (any listed client may exchange).
# The local stack and the tests apply the same steps (local-stack: TokenExchangePermissions).
set -euo pipefail

if [[ $# -lt 1 || $1 == -h || $1 == --help ]]; then
  sed -n '2,9p' "$0" | sed 's/^# \{0,1\}//'
  exit 64
fi
keycloak="${1%/}"
realm="${2:-gatehouse}"
idp="${3:-google}"
client="${4:-mobile}"
: "${GATEHOUSE_KEYCLOAK_ADMIN_USERNAME:=admin}"
if [[ -z "${GATEHOUSE_KEYCLOAK_ADMIN_PASSWORD:-}" ]]; then
  echo "Set GATEHOUSE_KEYCLOAK_ADMIN_PASSWORD (and GATEHOUSE_KEYCLOAK_ADMIN_USERNAME if not 'admin') to a master-realm admin." >&2
  exit 64
fi
for tool in curl jq; do
  command -v "$tool" >/dev/null || { echo "$tool is required." >&2; exit 69; }
done

fail() {
  echo "allow-token-exchange: $*" >&2
  exit 1
}

uri() {
  jq -rn --arg v "$1" '$v | @uri'
}

token_json="$(curl -sS --data-urlencode grant_type=password --data-urlencode client_id=admin-cli \
  --data-urlencode "username=$GATEHOUSE_KEYCLOAK_ADMIN_USERNAME" \
  --data-urlencode "password=$GATEHOUSE_KEYCLOAK_ADMIN_PASSWORD" \
  "$keycloak/realms/master/protocol/openid-connect/token")" || fail "Keycloak at $keycloak is unreachable."
admin_token="$(jq -r '.access_token // empty' <<<"$token_json" 2>/dev/null || true)"
[[ -n $admin_token ]] || fail "cannot log in to the master realm as $GATEHOUSE_KEYCLOAK_ADMIN_USERNAME: $token_json"

# call METHOD PATH [JSON]: sets $status and $body; PATH is relative to /admin/realms/<realm>/.
call() {
  local args=(-sS -X "$1" -H "Authorization: Bearer $admin_token" -w '\n%{http_code}')
  if [[ $# -ge 3 ]]; then
    args+=(-H 'Content-Type: application/json' --data-binary "$3")
  fi
  local out
  out="$(curl "${args[@]}" "$keycloak/admin/realms/$(uri "$realm")/$2")" || fail "$1 $2: Keycloak is unreachable."
  status="${out##*$'\n'}"
  body="${out%$'\n'*}"
}

expect() {
  [[ $status == "$1" ]] || fail "$2 (HTTP $status): $body"
}

client_uuid() {
  call GET "clients?clientId=$(uri "$1")"
  expect 200 "cannot list the clients of realm $realm"
  local id
  id="$(jq -r 'if length == 1 then .[0].id else empty end' <<<"$body")"
  [[ -n $id ]] || fail "realm $realm has no client '$1'."
  echo "$id"
}

client_id="$(client_uuid "$client")"
authz="clients/$(client_uuid realm-management)/authz/resource-server"

call PUT "identity-provider/instances/$(uri "$idp")/management/permissions" '{"enabled":true}'
[[ $status != 404 ]] || fail "realm $realm has no identity provider '$idp'."
expect 200 "cannot enable the permissions of identity provider '$idp' (is Keycloak built with --features=token-exchange:v1,admin-fine-grained-authz:v1?)"
permission_id="$(jq -r '.scopePermissions["token-exchange"] // empty' <<<"$body")"
[[ -n $permission_id ]] || fail "identity provider '$idp' reports no token-exchange permission: $body"

changed=no
policy_name="token-exchange: client $client"
call GET "$authz/policy/search?name=$(uri "$policy_name")"
if [[ $status == 204 || -z $body ]]; then
  call POST "$authz/policy/client" "$(jq -n --arg name "$policy_name" --arg client "$client" --arg id "$client_id" \
    '{name: $name, description: "Client \($client) may exchange external tokens (legacy token exchange v1).",
      logic: "POSITIVE", decisionStrategy: "UNANIMOUS", clients: [$id]}')"
  expect 201 "cannot create the client policy '$policy_name'"
  changed=yes
else
  expect 200 "cannot look up the client policy '$policy_name'"
fi
policy_id="$(jq -r '.id' <<<"$body")"

call GET "$authz/policy/$permission_id/associatedPolicies"
expect 200 "cannot read the policies of the token-exchange permission"
attached="$body"
if ! jq -e --arg id "$policy_id" 'any(.[]; .id == $id)' <<<"$attached" >/dev/null; then
  call GET "$authz/permission/scope/$permission_id"
  expect 200 "cannot read the token-exchange permission"
  permission="$body"
  call GET "$authz/policy/$permission_id/resources"
  expect 200 "cannot read the token-exchange permission's resource"
  resources="$body"
  call GET "$authz/policy/$permission_id/scopes"
  expect 200 "cannot read the token-exchange permission's scope"
  scopes="$body"
  # Resource and scope stay as they are; the policy is added; AFFIRMATIVE lets any listed client exchange.
  call PUT "$authz/permission/scope/$permission_id" "$(jq -n --argjson p "$permission" --argjson r "$resources" \
    --argjson s "$scopes" --argjson a "$attached" --arg id "$policy_id" \
    '$p + {resources: [$r[]._id], scopes: [$s[].id], policies: ([$a[].id] + [$id]), decisionStrategy: "AFFIRMATIVE"}')"
  expect 201 "cannot attach the client policy to the token-exchange permission"
  changed=yes
fi

if [[ $changed == yes ]]; then
  echo "Client '$client' of realm '$realm' may now exchange '$idp' access tokens."
else
  echo "Client '$client' of realm '$realm' could already exchange '$idp' access tokens; nothing changed."
fi
