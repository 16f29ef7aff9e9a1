#!/usr/bin/env bash
# Installs the system packages the build, the tests and the quickstart need. Idempotent; run as root (or via sudo).
set -euo pipefail
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi

packages=()
[ -d /usr/share/datasets/fashion-mnist ] || packages+=(dataset-fashion-mnist)
command -v mvn >/dev/null 2>&1 || packages+=(maven)
command -v java >/dev/null 2>&1 || packages+=(openjdk-17-jdk-headless)
if [ ${#packages[@]} -gt 0 ]; then
  $SUDO apt-get update -q
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q "${packages[@]}"
fi
