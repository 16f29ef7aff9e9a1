#!/usr/bin/env bash
# Shows, checks and refreshes the pins of the two images: the base image digests (FROM name:tag@${ARG}, the ARG's
# default) and the Debian package versions (apt-get install NAME=VERSION) of operator/Dockerfile and
# trainer-image/Dockerfile. See docs/install.md, "Pinned base images and packages".
#
#   images/pins.sh                 pinned and current value of every pin (current: "?" when it cannot be looked up)
#   images/pins.sh --check         the same; exits 1 if a pin differs from the current value or is missing
#   images/pins.sh --write         rewrites every pin whose current value is known to that value
#   images/pins.sh --digest IMAGE  prints the current digest of IMAGE (name:tag)
#
# Digests are looked up with crane, skopeo or `docker buildx imagetools` (whichever is installed; needs registry
# access). Package versions are the candidates of `apt-cache policy` on a Debian bookworm machine (with
# bookworm-security in its sources, as in the debian image), else inside the pinned debian:bookworm-slim with docker.
set -euo pipefail
cd "$(dirname "$0")/.."
DOCKERFILES=(operator/Dockerfile trainer-image/Dockerfile)

current_digest() {
  local image=$1
  if command -v crane >/dev/null; then
    crane digest "$image"
  elif command -v skopeo >/dev/null; then
    skopeo inspect --format '{{.Digest}}' "docker://$image"
  elif command -v docker >/dev/null && docker buildx version >/dev/null 2>&1; then
    docker buildx imagetools inspect "$image" --format '{{json .Manifest.Digest}}' | tr -d '"'
  else
    return 1
  fi
}

# Candidate versions of the given packages in Debian bookworm, as "name version" lines.
current_versions() {
  local script='for p in "$@"; do printf "%s %s\n" "$p" "$(apt-cache policy "$p" | sed -n "s/^  Candidate: //p")"; done'
  if grep -q 'VERSION_CODENAME=bookworm' /etc/os-release 2>/dev/null && command -v apt-cache >/dev/null; then
    bash -c "$script" _ "$@"
  elif command -v docker >/dev/null; then
    local digest
    digest=$(arg_default trainer-image/Dockerfile DEBIAN_DIGEST)
    docker run --rm "debian:bookworm-slim@$digest" bash -c "apt-get update -qq >/dev/null && $script" _ "$@"
  else
    return 1
  fi
}

arg_default() { sed -n "s/^ARG $2=//p" "$1" | head -1; }

# "dockerfile image arg" for every FROM pinned through an ARG; "dockerfile image -" for an unpinned one.
from_pins() {
  local file line image arg
  for file in "${DOCKERFILES[@]}"; do
    while read -r line; do
      image=$(awk '{print $2}' <<<"$line")
      [[ $image == *@* ]] || { echo "$file $image -"; continue; }
      arg=$(sed -n 's/.*@\${\([A-Za-z_]*\)}.*/\1/p' <<<"$image")
      echo "$file ${image%@*} ${arg:--}"
    done < <(grep -E '^FROM ' "$file" | grep -vE '^FROM [a-z0-9-]+$')
  done | sort -u
}

# "dockerfile name version" for every package of an apt-get install ("-" when not pinned).
package_pins() {
  local file
  for file in "${DOCKERFILES[@]}"; do
    # Joins continuation lines, then takes the words after "install" up to the next &&.
    sed -e ':a' -e '/\\$/N; s/\\\n//; ta' "$file" | grep -oE 'apt-get install [^&]*' |
      tr ' ' '\n' | grep -vE '^(apt-get|install|-.*|)$' |
      awk -v f="$file" -F= '{print f, $1, ($2 == "" ? "-" : $2)}' || true
  done
}

mode=show
case "${1:-}" in
  --check) mode=check ;;
  --write) mode=write ;;
  --digest) current_digest "${2:?--digest needs an image, e.g. debian:bookworm-slim}"; exit ;;
  "") ;;
  *) sed -n '2,12p' "$0"; exit 2 ;;
esac

status=0
printf '%-26s %-45s %-74s %s\n' FILE PIN PINNED CURRENT
while read -r file image arg; do
  pinned=$([[ $arg == - ]] && echo "(no digest)" || arg_default "$file" "$arg")
  current=$(current_digest "$image" 2>/dev/null || true)
  printf '%-26s %-45s %-74s %s\n' "$file" "$image" "${pinned:-(required build-arg $arg)}" "${current:-?}"
  if [[ -z $pinned || $arg == - || ( -n $current && $current != "$pinned" ) ]]; then status=1; fi
  if [[ $mode == write && -n $current && $arg != - ]]; then
    if grep -qE "^ARG $arg=" "$file"; then
      sed -i "s|^ARG $arg=.*|ARG $arg=$current|" "$file"
    else
      sed -i "s|^ARG $arg\$|ARG $arg=$current|" "$file"
    fi
  fi
done < <(from_pins)

mapfile -t packages < <(package_pins)
names=$(printf '%s\n' "${packages[@]}" | awk '{print $2}' | sort -u)
declare -A latest=()
# shellcheck disable=SC2086
while read -r name version; do latest[$name]=$version; done < <(current_versions $names 2>/dev/null || true)
for entry in "${packages[@]}"; do
  read -r file name version <<<"$entry"
  current=${latest[$name]:-}
  printf '%-26s %-45s %-74s %s\n' "$file" "$name" "$version" "${current:-?}"
  if [[ $version == - || ( -n $current && $current != "$version" ) ]]; then status=1; fi
  if [[ $mode == write && -n $current && $current != "(none)" ]]; then
    sed -i -E "s/(^|[[:space:]])$name(=[^[:space:]]*)?([[:space:]]|$)/\1$name=$current\3/" "$file"
  fi
done

if [[ $mode == check ]]; then exit $status; fi
