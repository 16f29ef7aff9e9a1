#!/usr/bin/env bash
# Smoke test of the operator jar against a real API server with RBAC enforced, e.g. the loopback control plane of
# shared/tools/kube-control-plane (API server + controller-manager, no scheduler or kubelet):
#
#   KUBECONFIG=$KCP_HOME/kubeconfig .ci/apiserver-smoke.sh
#
# It installs the Helm chart's rendered manifests (helm template helm/arrest-operator --include-crds, with
# replicaCount=0: CRD, ServiceAccount, RBAC, Service, an operator Deployment without pods), runs
# target/arrest-operator.jar outside the cluster as the chart's ServiceAccount with leader election (so a missing RBAC
# rule, the Lease's included, fails here), applies examples/fashion-mnist-cluster.yaml, and plays the kubelet by
# writing pod statuses with termination messages: pretrain succeeds, finetune fails twice (backoffLimit 1). It checks
# the phase, conditions, Events, /metrics, a spec change, and that deleting the training garbage-collects its Jobs.
# Needs: kubectl, python3, curl, helm (.ci/setup.sh installs it; or $HELM), and `mvn package` done. Use a throwaway
# cluster: it creates namespaces ml and arrest-system and deletes what it created.
set -euo pipefail
cd "$(dirname "$0")/.."

: "${KUBECONFIG:?set KUBECONFIG to an admin kubeconfig of a throwaway cluster}"
JAR=target/arrest-operator.jar
[[ -f $JAR ]] || { echo "missing $JAR: run mvn package -DskipTests" >&2; exit 2; }
METRICS_PORT=${METRICS_PORT:-18080}
HEALTH_PORT=${HEALTH_PORT:-18081}
NAME=fashion-mnist-quick
WORK=$(mktemp -d)
HELM=${HELM:-$HOME/.cache/arrest-ci/tools/helm/helm}
[[ -x $HELM ]] || HELM=$(command -v helm) || { echo "no helm: run bash .ci/setup.sh" >&2; exit 2; }
SA=arrest-operator
# WATCH=ml: the chart's namespaced variant (a Role in ml, nothing cluster-wide) and the operator watching only ml.
WATCH=${WATCH:-}
OPERATOR_PID=

k() { kubectl "$@" 2>&1 | grep -v 'version difference\|skew' || true; }
fail() { echo "FAIL: $*" >&2; exit 1; }
cleanup() {
  [[ -n $OPERATOR_PID ]] && kill "$OPERATOR_PID" 2>/dev/null && wait "$OPERATOR_PID" 2>/dev/null || true
  kubectl delete ns ml --ignore-not-found --wait=false >/dev/null 2>&1 || true
  [[ -f $WORK/chart.yaml ]] && kubectl delete -f "$WORK/chart.yaml" --ignore-not-found --wait=false >/dev/null 2>&1
  kubectl delete ns arrest-system --ignore-not-found --wait=false >/dev/null 2>&1 || true
  rm -rf "$WORK"
}
trap cleanup EXIT

await() { # await <description> <command...>: retries for 60 s
  local what=$1; shift
  for _ in $(seq 1 120); do "$@" >/dev/null 2>&1 && return 0; sleep 0.5; done
  fail "timed out waiting for $what"
}
jsonpath() { kubectl get "$@" 2>/dev/null; }
phase_is() { [[ $(jsonpath arresttraining -n ml $NAME -o jsonpath='{.status.phase}') == "$1" ]]; }

echo "== install the chart's manifests (no operator pods: replicaCount=0)"
"$HELM" template arrest-operator helm/arrest-operator --namespace arrest-system --include-crds \
  --set replicaCount=0 ${WATCH:+--set "watchNamespaces={$WATCH}"} > "$WORK/chart.yaml"
k create namespace arrest-system
k create namespace ml
k apply -f "$WORK/chart.yaml"
k wait --for=condition=Established crd/arresttrainings.arrest.dev --timeout=30s

echo "== kubeconfig of the arrest-operator ServiceAccount"
await "the ServiceAccount token" bash -c \
  "kubectl -n arrest-system get sa $SA -o jsonpath='{.secrets[0].name}' | grep -q ."
SECRET=$(jsonpath -n arrest-system sa $SA -o jsonpath='{.secrets[0].name}')
await "the token" bash -c "kubectl -n arrest-system get secret $SECRET -o jsonpath='{.data.token}' | grep -q ."
TOKEN=$(jsonpath -n arrest-system secret "$SECRET" -o jsonpath='{.data.token}' | base64 -d)
SERVER=$(kubectl config view --minify -o jsonpath='{.clusters[0].cluster.server}')
CA=$(kubectl config view --raw --minify -o jsonpath='{.clusters[0].cluster.certificate-authority-data}')
cat > "$WORK/kubeconfig" <<EOF
apiVersion: v1
kind: Config
clusters: [{name: c, cluster: {server: "$SERVER", certificate-authority-data: "$CA"}}]
users: [{name: arrest-operator, user: {token: "$TOKEN"}}]
contexts: [{name: c, context: {cluster: c, user: arrest-operator}}]
current-context: c
EOF

echo "== start the operator (leader election on)"
KUBECONFIG=$WORK/kubeconfig POD_NAMESPACE=arrest-system HOSTNAME=smoke \
  java -jar "$JAR" --metrics-port "$METRICS_PORT" --health-port "$HEALTH_PORT" --leader-election --namespaces "$WATCH" \
  > "$WORK/operator.log" 2>&1 &
OPERATOR_PID=$!
await "/readyz" curl -sf "localhost:$HEALTH_PORT/readyz"
curl -sf "localhost:$HEALTH_PORT/healthz" >/dev/null || fail "/healthz"

echo "== apply the example; the pretrain Job starts"
k apply -n ml -f examples/fashion-mnist-cluster.yaml
await "phase Pretraining" phase_is Pretraining
await "the pretrain pod" bash -c "kubectl get pods -n ml -l job-name=$NAME-pretrain -o name | grep -q ."

# Plays the kubelet: terminated state with a termination message, as the trainer leaves it.
finish_pods() { # finish_pods <job> <phase Succeeded|Failed> <exit code> <termination message>
  local pod
  for pod in $(kubectl get pods -n ml -l "job-name=$1" --field-selector=status.phase=Pending -o name 2>/dev/null); do
    python3 - "$2" "$3" "$4" > "$WORK/status.json" <<'PY'
import json, sys
phase, code, message = sys.argv[1], int(sys.argv[2]), sys.argv[3]
now = "2026-01-01T00:00:00Z"
print(json.dumps({"status": {"phase": phase, "containerStatuses": [{"name": "trainer", "image": "arrest-trainer",
    "imageID": "", "ready": False, "restartCount": 0, "state": {"terminated": {"exitCode": code,
    "reason": "Completed" if code == 0 else "Error", "message": message, "startedAt": now, "finishedAt": now}}}]}}))
PY
    k patch -n ml "$pod" --subresource=status --type=merge --patch-file "$WORK/status.json"
  done
}
finish_pods "$NAME-pretrain" Succeeded 0 '{"apiVersion":"arrest.dev/v1alpha1","kind":"StageTerminationMessage","stage":"pretrain","status":"Succeeded","seconds":42.0,"epochs":3,"artifacts":{"model":"pretrain/model.params"}}'

echo "== pretrain succeeded: finetune starts"
await "phase Finetuning" phase_is Finetuning
[[ $(jsonpath arresttraining -n ml $NAME -o jsonpath='{.status.stages.pretrain.epochs}') == 3 ]] || fail "pretrain epochs"

echo "== finetune fails twice (backoffLimit 1)"
FAILED='{"apiVersion":"arrest.dev/v1alpha1","kind":"StageTerminationMessage","stage":"finetune","status":"Failed","message":"CUDA error: out of memory"}'
for _ in 1 2; do
  await "a pending finetune pod" bash -c \
    "kubectl get pods -n ml -l job-name=$NAME-finetune --field-selector=status.phase=Pending -o name | grep -q ."
  finish_pods "$NAME-finetune" Failed 1 "$FAILED"
done
await "phase Failed" phase_is Failed
MESSAGE=$(jsonpath arresttraining -n ml $NAME -o jsonpath='{.status.conditions[?(@.type=="Failed")].message}')
[[ $MESSAGE == "finetune failed (BackoffLimitExceeded): CUDA error: out of memory" ]] || fail "Failed message: $MESSAGE"
k get events -n ml --field-selector reason=StageFailed -o name | grep -q . || fail "no StageFailed Event"
curl -sf "localhost:$METRICS_PORT/metrics" | grep -q "arrest_training_phase{namespace=\"ml\",name=\"$NAME\",method=\"arrest\",phase=\"Failed\",} 1.0" \
  || fail "phase metric"

echo "== a spec change is reported, not applied"
k patch arresttraining -n ml $NAME --type=merge -p '{"spec":{"finetuning":{"epochs":5}}}'
await "SpecApplied=False" bash -c "kubectl get arresttraining -n ml $NAME \
  -o jsonpath='{.status.conditions[?(@.type==\"SpecApplied\")].reason}' | grep -q SpecChangeIgnored"

echo "== deleting the training deletes its Jobs and metric series"
k delete arresttraining -n ml $NAME
await "Jobs garbage-collected" bash -c "[[ -z \$(kubectl get jobs -n ml -o name 2>/dev/null) ]]"
await "series removed" bash -c "! curl -sf localhost:$METRICS_PORT/metrics | grep -q 'name=\"$NAME\"'"

if grep -q "Forbidden\|forbidden" "$WORK/operator.log"; then
  grep -m3 "orbidden" "$WORK/operator.log" >&2
  fail "the operator hit an RBAC denial"
fi
echo "apiserver smoke: 1 passed, 0 failed"
