package dev.gatehouse.gateway.policy;

import static dev.gatehouse.gateway.policy.PostgresFixture.await;
import static dev.gatehouse.gateway.policy.PostgresFixture.failureOf;
import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class ActivityStoreTest {
  private static final Path REALM_SEED = Path.of(System.getProperty("gatehouse.root", ".."))
      .resolve("realm-config/activities.json");
  private static PostgresFixture fixture;

  @BeforeAll
  static void startPostgres() throws Exception {
    fixture = new PostgresFixture();
  }

  @AfterAll
  static void stopPostgres() throws Exception {
    fixture.close();
  }

  @Test
  void migratingTwiceIsIdempotent() {
    Pool pool = ActivityStore.createPool(fixture.vertx, fixture.newDatabase(), 2);
    assertThat(await(SchemaMigrations.apply(pool))).isEqualTo(SchemaMigrations.bundled().size());
    assertThat(await(SchemaMigrations.apply(pool))).isZero();
    assertThat(await(new ActivityStore(pool).version())).isZero();
    await(pool.close());
  }

  @Test
  void gatewaysStartingTogetherMigrateOnce() {
    var options = fixture.newDatabase();
    Pool first = ActivityStore.createPool(fixture.vertx, options, 2);
    Pool second = ActivityStore.createPool(fixture.vertx, options, 2);
    Future<Integer> a = SchemaMigrations.apply(first);
    Future<Integer> b = SchemaMigrations.apply(second);
    assertThat(await(a) + await(b)).isEqualTo(SchemaMigrations.bundled().size());
    await(first.close());
    await(second.close());
  }

  @Test
  void createsReadsUpdatesAndDeletesActivities() {
    Pool pool = fixture.newMigratedPool();
    ActivityStore store = new ActivityStore(pool);
    long before = await(store.version());

    Activity created = await(store.create(new ActivityDefinition("GET", "/api/v1/roles/[^/?#]+/users",
        "Users of a role", Set.of("view-roles"))));
    assertThat(created.id()).isPositive();
    assertThat(created.permissions()).containsExactly("view-roles");
    assertThat(await(store.version())).as("one transaction, one bump").isEqualTo(before + 1);

    assertThat(await(store.linkPermission(created.id(), "manage-roles"))).isTrue();
    assertThat(await(store.linkPermission(created.id(), "manage-roles"))).isFalse();
    assertThat(await(store.find(created.id())).orElseThrow().permissions()).containsExactlyInAnyOrder("view-roles", "manage-roles");
    assertThat(await(store.unlinkPermission(created.id(), "view-roles"))).isTrue();
    assertThat(await(store.unlinkPermission(created.id(), "view-roles"))).isFalse();

    Activity updated = await(store.update(created.id(),
        new ActivityDefinition("PUT", "/api/v1/roles/[^/?#]+", "Replace a role", Set.of("manage-roles"))));
    assertThat(updated).usingRecursiveComparison().ignoringFields("revision")
        .isEqualTo(new Activity(created.id(), "PUT", "/api/v1/roles/[^/?#]+", "Replace a role", Set.of("manage-roles")));
    assertThat(updated.revision()).isGreaterThan(created.revision());

    ActivitySnapshot snapshot = await(store.loadAll());
    assertThat(snapshot.activities()).containsExactly(updated);
    assertThat(snapshot.version()).isEqualTo(await(store.version()));

    await(store.delete(created.id()));
    assertThat(await(store.find(created.id()))).isEmpty();
    assertThat(await(store.loadAll()).activities()).isEmpty();
    assertThat(failureOf(store.delete(created.id()))).isInstanceOf(ActivityNotFoundException.class);
    assertThat(failureOf(store.linkPermission(created.id(), "x"))).isInstanceOf(ActivityNotFoundException.class);
    assertThat(failureOf(store.update(created.id(), new ActivityDefinition("GET", "/x", "", Set.of())))).isInstanceOf(ActivityNotFoundException.class);
    await(pool.close());
  }

  @Test
  void everyChangeGivesANewRevisionAndStaleConditionalWritesChangeNothing() {
    Pool pool = fixture.newMigratedPool();
    ActivityStore store = new ActivityStore(pool);
    Activity created = await(store.create(new ActivityDefinition("GET", "/api/v1/skills", "", Set.of("view-skills"))));
    Activity other = await(store.create(new ActivityDefinition("GET", "/api/v1/ideas", "", Set.of("view-ideas"))));
    assertThat(created.revision()).isPositive();
    assertThat(other.revision()).as("one sequence for all activities").isNotEqualTo(created.revision());

    ExpectedRevision read = ExpectedRevision.oneOf(Set.of(created.revision()));
    assertThat(await(store.linkPermission(created.id(), "manage-skills", read))).isTrue();
    Activity linked = await(store.find(created.id())).orElseThrow();
    assertThat(linked.revision()).isGreaterThan(created.revision());
    assertThat(await(store.linkPermission(created.id(), "manage-skills"))).as("already linked").isFalse();
    assertThat(await(store.find(created.id())).orElseThrow().revision()).as("no change, same revision")
        .isEqualTo(linked.revision());
    long version = await(store.version());

    ActivityDefinition replacement = new ActivityDefinition("POST", "/api/v1/skills", "", Set.of());
    Throwable staleUpdate = failureOf(store.update(created.id(), replacement, read));
    assertThat(staleUpdate).isInstanceOf(ActivityChangedException.class);
    assertThat(((ActivityChangedException) staleUpdate).currentRevision()).isEqualTo(linked.revision());
    assertThat(failureOf(store.delete(created.id(), read))).isInstanceOf(ActivityChangedException.class);
    assertThat(failureOf(store.linkPermission(created.id(), "x", read))).isInstanceOf(ActivityChangedException.class);
    assertThat(failureOf(store.unlinkPermission(created.id(), "view-skills", read)))
        .isInstanceOf(ActivityChangedException.class);
    assertThat(failureOf(store.update(4242, replacement, read))).isInstanceOf(ActivityNotFoundException.class);
    assertThat(await(store.find(created.id())).orElseThrow()).as("refused writes change nothing").isEqualTo(linked);
    assertThat(await(store.version())).isEqualTo(version);

    Activity updated = await(store.update(created.id(), replacement,
        ExpectedRevision.oneOf(Set.of(other.revision(), linked.revision()))));
    assertThat(updated.method()).isEqualTo("POST");
    assertThat(updated.revision()).isGreaterThan(linked.revision());
    await(store.linkPermission(created.id(), "view-skills"));
    await(store.delete(created.id(), ExpectedRevision.oneOf(Set.of(await(store.find(created.id())).orElseThrow()
        .revision()))));
    assertThat(await(store.find(created.id()))).isEmpty();
    assertThat(await(store.find(other.id())).orElseThrow()).as("others untouched").isEqualTo(other);
    await(pool.close());
  }

  @Test
  void refusesInvalidActivitiesAndStoresNothing() {
    Pool pool = fixture.newMigratedPool();
    ActivityStore store = new ActivityStore(pool);
    long before = await(store.version());

    Throwable redos = failureOf(store.create(new ActivityDefinition("GET", "/api/[^/]*[^/]*[^/]*[^/]*[^/]*/x", "", Set.of("p"))));
    assertThat(redos).isInstanceOf(InvalidActivityException.class).hasMessageContaining("backtrack");
    assertThat(failureOf(store.create(new ActivityDefinition("GET", "/api/(?=x)", "", Set.of("p")))))
        .isInstanceOf(InvalidActivityException.class);
    assertThat(failureOf(store.create(new ActivityDefinition("HEAD", "/api", "", Set.of("p")))))
        .isInstanceOf(InvalidActivityException.class);
    assertThat(failureOf(store.create(new ActivityDefinition("GET", "/api", "", Set.of("bad name")))))
        .isInstanceOf(InvalidActivityException.class);
    assertThat(await(store.loadAll()).activities()).isEmpty();
    assertThat(await(store.version())).isEqualTo(before);

    Activity valid = await(store.create(new ActivityDefinition("GET", "/api", "", Set.of("p"))));
    assertThat(failureOf(store.update(valid.id(), new ActivityDefinition("GET", "/api/(a+)+", "", Set.of())))).isInstanceOf(InvalidActivityException.class);
    assertThat(failureOf(store.linkPermission(valid.id(), " "))).isInstanceOf(InvalidActivityException.class);
    assertThat(await(store.find(valid.id())).orElseThrow()).isEqualTo(valid);
    assertThat(failureOf(store.create(new ActivityDefinition("GET", "/api", "again", Set.of()))))
        .isInstanceOf(ActivityConflictException.class);
    await(pool.close());
  }

  @Test
  void seedsTheRealmConfigFileIdempotently() throws Exception {
    Pool pool = fixture.newMigratedPool();
    ActivityStore store = new ActivityStore(pool);
    ActivitySeed seed = ActivitySeedFile.read(REALM_SEED);
    assertThat(seed.activities()).hasSizeGreaterThan(20);

    ActivityStore.SeedOutcome first = await(store.seed(seed));
    assertThat(first.activitiesAdded()).isEqualTo(seed.activities().size());
    assertThat(first.servicesCreated()).containsExactly("demo");
    assertThat(await(store.listByService("demo"))).hasSize(30);
    Activity roles = await(store.loadAll()).activities().stream()
        .filter(a -> a.method().equals("GET") && a.urlRegex().equals("/api/v1/roles")).findFirst().orElseThrow();
    await(store.unlinkPermission(roles.id(), "view-roles"));
    long versionAfterEdit = await(store.version());

    assertThat(await(store.seed(seed))).isEqualTo(new ActivityStore.SeedOutcome(List.of(), 0, 0, List.of()));
    assertThat(await(store.find(roles.id())).orElseThrow().permissions()).isEmpty(); // the admin's edit survives
    assertThat(await(store.version())).isEqualTo(versionAfterEdit);

    ActivityIndex index = ActivityIndex.build(await(store.loadAll()).activities(), 1);
    assertThat(index.decide("GET", "/api/v1/roles/admin/users", Set.of("view-roles")).allowed()).isTrue();
    assertThat(index.decide("POST", "/api/v1/roles", Set.of("manage-roles")).allowed()).isTrue();
    assertThat(index.decide("GET", "/evil/api/v1/roles/x/users/extra", Set.of("view-roles")).allowed()).isFalse();
    assertThat(index.decide("GET", "/gatehouse/admin/activities", Set.of("manage-activities")).allowed()).isTrue();
    assertThat(index.fallbackSize()).isZero();
    await(pool.close());
  }

  /**
   * The upgrade path: a database seeded by the list form (global /api/v1 activities written with [^/?#]+, one of
   * them edited by an admin) meets the object form. The new demo service adopts each of them as stored (regex,
   * permissions and description unchanged), adds nothing beside them, and a later run adopts nothing again.
   */
  @Test
  void aNewSeedServiceAdoptsTheGlobalActivitiesAnOlderSeedWroteAndChangesNoDecision() throws Exception {
    Pool pool = fixture.newMigratedPool();
    ActivityStore store = new ActivityStore(pool);
    ActivitySeed seed = ActivitySeedFile.read(REALM_SEED);
    List<ActivityDefinition> legacy = seed.activities().stream().map(a -> new ActivityDefinition(a.method(),
        ActivityStore.legacySpelling(a.urlRegex()), a.description(), a.permissions())).toList();
    assertThat(await(store.seed(legacy))).isEqualTo(legacy.size());
    Activity contacts = await(store.loadAll()).activities().stream()
        .filter(a -> a.urlRegex().equals("/api/v1/users/[^/?#]+/contacts")).findFirst().orElseThrow();
    await(store.unlinkPermission(contacts.id(), "view-user-contacts"));
    await(store.linkPermission(contacts.id(), "manage-users"));
    List<Activity> before = await(store.loadAll()).activities();

    ActivityStore.SeedOutcome upgrade = await(store.seed(seed));

    assertThat(upgrade).isEqualTo(new ActivityStore.SeedOutcome(List.of("demo"), 0, 30, List.of()));
    List<Activity> after = await(store.loadAll()).activities();
    assertThat(after).hasSameSizeAs(before);
    for (Activity old : before) {
      Activity now = after.stream().filter(a -> a.id() == old.id()).findFirst().orElseThrow();
      assertThat(List.of(now.method(), now.urlRegex(), now.description(), now.permissions()))
          .isEqualTo(List.of(old.method(), old.urlRegex(), old.description(), old.permissions()));
      assertThat(now.service()).isEqualTo(old.urlRegex().startsWith("/api/v1/") ? "demo" : null);
    }
    assertThat(await(store.find(contacts.id())).orElseThrow().permissions()).containsExactly("manage-users");

    // An admin moves one activity out of the service: the next start neither adopts it again nor adds a copy.
    Activity moved = await(store.listByService("demo")).get(0);
    await(store.update(moved.id(), new ActivityDefinition(moved.method(), moved.urlRegex(), moved.description(),
        moved.permissions(), null, false)));
    assertThat(await(store.seed(seed))).isEqualTo(new ActivityStore.SeedOutcome(List.of(), 0, 0, List.of()));
    assertThat(await(store.find(moved.id())).orElseThrow().service()).isNull();
    assertThat(await(store.loadAll()).activities()).hasSameSizeAs(before);
    await(pool.close());
  }

  @Test
  void aSeedServiceWhosePrefixAnotherServiceHoldsIsNotCreatedAndItsActivitiesAreLeftOut() throws Exception {
    Pool pool = fixture.newMigratedPool();
    ActivityStore store = new ActivityStore(pool);
    await(new ServiceStore(pool).create(new Service("people", "/api/v1", List.of(java.net.URI.create(
        "http://127.0.0.1:9")), 1000, null, "", 0)));
    ActivitySeed seed = ActivitySeedFile.read(REALM_SEED);

    ActivityStore.SeedOutcome outcome = await(store.seed(seed));

    assertThat(outcome.servicesCreated()).isEmpty();
    assertThat(outcome.servicesSkipped()).containsExactly("demo");
    assertThat(outcome.activitiesAdded()).isEqualTo(seed.activities().size() - 30);
    assertThat(await(store.loadAll()).activities()).noneMatch(a -> a.urlRegex().startsWith("/api/v1"));
    assertThat(await(store.listByService("people"))).isEmpty();
    await(pool.close());
  }
}
