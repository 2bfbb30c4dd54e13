#!/usr/bin/env bash
# Runs the whole Gatehouse stack locally on embedded defaults, in the foreground. Ctrl-C stops it.
# Needs JDK 17+ and Maven 3.8+. Ports: GATEHOUSE_KEYCLOAK_PORT (8080).
set -euo pipefail
cd "$(dirname "$0")"

echo "Building Gatehouse (mvn -DskipTests package; the first build downloads Keycloak and dependencies)..."
mvn -B -q -Dstyle.color=never -DskipTests package
echo "Build done."

# GATEHOUSE_JAVA picks the runtime, e.g. a Java 25 install: GATEHOUSE_JAVA=/usr/lib/jvm/temurin-25-jdk-amd64/bin/java
exec "${GATEHOUSE_JAVA:-java}" -jar local-stack/target/gatehouse-local-stack-all.jar
