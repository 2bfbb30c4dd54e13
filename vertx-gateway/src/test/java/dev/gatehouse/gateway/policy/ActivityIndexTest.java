package dev.gatehouse.gateway.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ActivityIndexTest {

  private static final Activity LIST_ROLES = new Activity(1, "GET", "/api/v1/roles", "List roles", Set.of("view-roles"));
  private static final Activity ROLE_USERS =
      new Activity(2, "GET", "/api/v1/roles/[^/?#]+/users", "Users of a role", Set.of("view-roles"));
  private static final Activity CREATE_ROLE = new Activity(3, "POST", "/api/v1/roles", "Create a role", Set.of("manage-roles"));
  private static final Activity FILES = new Activity(4, "GET", "/api/v1/files/.*\\.pdf", "PDF files", Set.of("view-files"));
  private static final Activity ANY_USER = new Activity(5, "DELETE", "/api/v1/users/[^/]+", "Delete a user", Set.of("manage-users"));

  private final ActivityIndex index = ActivityIndex.build(List.of(LIST_ROLES, ROLE_USERS, CREATE_ROLE, FILES, ANY_USER), 7);

  @ParameterizedTest(name = "[{index}] {0} {1} with {2} -> {3}")
  @CsvSource(delimiter = '|', nullValues = "NULL", value = {
      "GET    | /api/v1/roles                        | view-roles              | 1",
      "HEAD   | /api/v1/roles                        | view-roles              | 1",
      "GET    | /api/v1/roles                        | manage-roles            | NULL",
      "POST   | /api/v1/roles                        | manage-roles            | 3",
      "POST   | /api/v1/roles                        | view-roles              | NULL",
      "GET    | /api/v1/roles/admin/users            | view-roles              | 2",
      "GET    | /api/v1/roles/admin/users            | other,view-roles        | 2",
      "GET    | /api/v1/roles//users                 | view-roles              | NULL",
      "GET    | /api/v1/roles/a?b/users              | view-roles              | NULL",
      "GET    | /evil/api/v1/roles/x/users/extra     | view-roles              | NULL",
      "GET    | /api/v1/roles/x/users/extra          | view-roles              | NULL",
      "GET    | /evil/api/v1/roles                   | view-roles              | NULL",
      "GET    | /api/v1/roles/                       | view-roles              | NULL",
      "GET    | /API/v1/roles                        | view-roles              | NULL",
      "get    | /api/v1/roles                        | view-roles              | NULL",
      "PUT    | /api/v1/roles                        | view-roles,manage-roles | NULL",
      "TRACE  | /api/v1/roles                        | view-roles              | NULL",
      "OPTIONS| /api/v1/roles                        | view-roles              | NULL",
      "GET    | /api/v1/files/a/b.pdf                | view-files              | 4",
      "GET    | /api/v1/files/a/b.pdfx               | view-files              | NULL",
      "GET    | /x/api/v1/files/a.pdf                | view-files              | NULL",
      "DELETE | /api/v1/users/a?b                    | manage-users            | 5",
      "DELETE | /api/v1/users/a/b                    | manage-users            | NULL",
      "DELETE | /api/v1/users/                       | manage-users            | NULL",
      "GET    | api/v1/roles                         | view-roles              | NULL",
  })
  void decides(String method, String path, String permissions, Long expectedActivityId) {
    Decision decision = index.decide(method, path, List.of(permissions.split(",")));
    if (expectedActivityId == null) {
      assertThat(decision).isEqualTo(Decision.DENIED);
    } else {
      assertThat(decision.allowed()).isTrue();
      assertThat(decision.decidingActivity().id()).isEqualTo(expectedActivityId);
    }
  }

  @Test
  void deniesWithoutPermissionsOrInput() {
    assertThat(index.decide("GET", "/api/v1/roles", List.of()).allowed()).isFalse();
    assertThat(index.decide("GET", "/api/v1/roles", null).allowed()).isFalse();
    assertThat(index.decide(null, "/api/v1/roles", List.of("view-roles")).allowed()).isFalse();
    assertThat(index.decide("GET", null, List.of("view-roles")).allowed()).isFalse();
    assertThat(index.decide("GET", "", List.of("view-roles")).allowed()).isFalse();
  }

  @Test
  void anEmptyIndexDeniesEverything() {
    ActivityIndex empty = ActivityIndex.build(List.of(), 0);
    assertThat(empty.decide("GET", "/", List.of("view-roles")).allowed()).isFalse();
    assertThat(empty.size()).isZero();
  }

  @Test
  void acceptsPermissionSetsOfEitherSize() {
    assertThat(index.decide("GET", "/api/v1/roles", Set.of("a", "b", "c", "view-roles")).allowed()).isTrue();
    assertThat(index.decide("GET", "/api/v1/roles", Set.of("view-roles")).allowed()).isTrue();
    assertThat(index.decide("GET", "/api/v1/roles", Set.of("a", "b", "c")).allowed()).isFalse();
  }

  @Test
  void reportsSizeVersionAndWhatNeedsARegex() {
    assertThat(index.size()).isEqualTo(5);
    assertThat(index.version()).isEqualTo(7);
    assertThat(index.fallbackSize()).isEqualTo(1);
    assertThat(index.activities()).containsExactly(LIST_ROLES, ROLE_USERS, CREATE_ROLE, FILES, ANY_USER);
  }

  @Test
  void explainsWhichActivitiesMatchRegardlessOfPermissions() {
    Activity overlapping = new Activity(9, "GET", "/api/v1/roles/[^/]+/users", "", Set.of("other"));
    ActivityIndex withOverlap = ActivityIndex.build(List.of(ROLE_USERS, overlapping, LIST_ROLES), 1);
    assertThat(withOverlap.matchingActivities("HEAD", "/api/v1/roles/x/users")).containsExactlyInAnyOrder(ROLE_USERS, overlapping);
    assertThat(withOverlap.matchingActivities("GET", "/nothing")).isEmpty();
    assertThat(withOverlap.decide("GET", "/api/v1/roles/x/users", List.of("other")).decidingActivity()).isEqualTo(overlapping);
  }

  @Test
  void rootAndTrailingSlashAreExact() {
    ActivityIndex rooted = ActivityIndex.build(List.of(
        new Activity(1, "GET", "/", "", Set.of("p")), new Activity(2, "GET", "/docs/", "", Set.of("p"))), 1);
    assertThat(rooted.decide("GET", "/", List.of("p")).allowed()).isTrue();
    assertThat(rooted.decide("GET", "/docs/", List.of("p")).allowed()).isTrue();
    assertThat(rooted.decide("GET", "/docs", List.of("p")).allowed()).isFalse();
    assertThat(rooted.decide("GET", "//", List.of("p")).allowed()).isFalse();
  }

  @Test
  void escapedPunctuationIsLiteralInTheTrie() {
    ActivityIndex dotted = ActivityIndex.build(List.of(new Activity(1, "GET", "/api/v1\\.0/x", "", Set.of("p")),
        new Activity(2, "GET", "/api/v2.0/x", "", Set.of("p"))), 1);
    assertThat(dotted.fallbackSize()).isEqualTo(1); // an unescaped '.' is a regex, not a literal
    assertThat(dotted.decide("GET", "/api/v1.0/x", List.of("p")).allowed()).isTrue();
    assertThat(dotted.decide("GET", "/api/v1x0/x", List.of("p")).allowed()).isFalse();
    assertThat(dotted.decide("GET", "/api/v2x0/x", List.of("p")).allowed()).isTrue();
  }

  @Test
  void buildRefusesInvalidActivitiesButTheLenientBuildSkipsThem() {
    Activity redos = new Activity(8, "GET", "/api/[^/]*[^/]*/x", "", Set.of("p"));
    Activity lowerCase = new Activity(9, "get", "/api", "", Set.of("p"));
    assertThatThrownBy(() -> ActivityIndex.build(List.of(LIST_ROLES, redos), 1))
        .isInstanceOf(InvalidActivityException.class)
        .hasMessageContaining("Activity 8");

    List<String> skipped = new ArrayList<>();
    ActivityIndex lenient = ActivityIndex.buildSkippingInvalid(List.of(LIST_ROLES, redos, lowerCase), 1,
        (activity, reason) -> skipped.add(activity.id() + ": " + reason));
    assertThat(lenient.size()).isEqualTo(1);
    assertThat(skipped).hasSize(2);
    assertThat(skipped.get(0)).startsWith("8: ").contains("adjacent repeated parts");
    assertThat(lenient.decide("GET", "/api/v1/roles", List.of("view-roles")).allowed()).isTrue();
    assertThat(lenient.decide("GET", "/api/a/x", List.of("p")).allowed()).isFalse();
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "/api/v1/roles            | /api/v1/roles",
      "/api/v1/.*               | /api/v1/",
      "/api/v1s?/x              | /api/v1",
      "/api/v1(/x)?             | /api/v1",
      "/api/v1/a{2}             | /api/v1/",
      "/api/v1\\.0              | /api/v1",
  })
  void literalPrefixIsConservative(String regex, String expectedPrefix) {
    assertThat(ActivityIndex.literalPrefix(regex)).isEqualTo(expectedPrefix);
  }

  @Test
  void alternationHasNoLiteralPrefix() {
    assertThat(ActivityIndex.literalPrefix("/a|/b")).isEmpty();
    ActivityIndex alternatives = ActivityIndex.build(List.of(new Activity(1, "GET", "/a|/b", "", Set.of("p"))), 1);
    assertThat(alternatives.decide("GET", "/b", List.of("p")).allowed()).isTrue();
    assertThat(alternatives.decide("GET", "/a/b", List.of("p")).allowed()).isFalse();
  }
}
