#!/usr/bin/env bash
# Refuses to start Keycloak when the realm import would store a secret as literal text, then runs the given
# command (the image passes kc.sh and its arguments).
#
# Keycloak imports a placeholder ${NAME} that has no default and no value as the text "${NAME}": the gateway's
# client secret would become a public, guessable string, and the import would not fail (realm-config/README.md).
# So every such placeholder in the realm files must have a non-blank value, and no secret may keep the example
# value from .env.example.
set -euo pipefail

import_dir="${GATEHOUSE_REALM_IMPORT_DIR:-/opt/keycloak/data/import}"
problems=()

shopt -s nullglob
for realm_file in "$import_dir"/*.json; do
  rest="$(<"$realm_file")"
  # Upper-case names only: Keycloak's own message keys such as ${role_default-roles} are not environment lookups.
  while [[ $rest =~ \$\{([A-Z][A-Z0-9_]*)\}(.*) ]]; do
    name="${BASH_REMATCH[1]}"
    rest="${BASH_REMATCH[2]}"
    value="${!name:-}"
    if [[ -z "${value//[[:space:]]/}" ]]; then
      problems+=("$name is not set; $(basename "$realm_file") uses \${$name} without a default")
    fi
  done
done

for name in $(compgen -e); do
  if [[ $name == *_SECRET || $name == *_PASSWORD ]] && [[ ${!name} == change-me* ]]; then
    problems+=("$name still holds the example value from .env.example; set a real secret")
  fi
done

if ((${#problems[@]} > 0)); then
  echo "Refusing to start Keycloak:" >&2
  printf '  - %s\n' "${problems[@]}" | sort -u >&2
  echo "Set these in the environment (see .env.example) and start again." >&2
  exit 64
fi

exec "$@"
