package dev.arrest.operator.rbac;

import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * Every Kubernetes API permission the operator needs, next to the code that uses it. The Helm
 * chart's RBAC (helm/arrest-operator/templates/rbac.yaml) grants exactly these rules, which
 * HelmChartTest checks on the rendered chart; OperatorRbacTest records the API requests the running
 * operator makes and checks that each is covered here. Adding an API call to the operator without
 * adding its rule here fails that test; adding a rule here without the chart fails the chart test.
 */
public final class OperatorPermissions {

  /** One RBAC PolicyRule: API group ("" for core), resources, optional resource names, verbs. */
  public record Rule(
      String apiGroup,
      List<String> resources,
      List<String> resourceNames,
      List<String> verbs,
      String why) {
    public Rule {
      resources = List.copyOf(resources);
      resourceNames = List.copyOf(resourceNames);
      verbs = List.copyOf(verbs);
    }

    /**
     * Whether this rule allows {@code verb} on {@code group/resource} (resource may be "pods/log").
     */
    public boolean allows(String group, String resource, String verb) {
      return apiGroup.equals(group) && resources.contains(resource) && verbs.contains(verb);
    }
  }

  /**
   * In every namespace the operator watches: a ClusterRole when it watches all namespaces, a Role
   * in each watched namespace otherwise.
   */
  public static final List<Rule> TRAININGS =
      List.of(
          new Rule(
              "arrest.dev",
              List.of("arresttrainings"),
              List.of(),
              List.of("list", "watch"),
              "JOSDK's informer lists and watches trainings; after a status conflict JOSDK retries"
                  + " from that cache, so nothing gets a training by name"),
          new Rule(
              "arrest.dev",
              List.of("arresttrainings"),
              List.of(),
              List.of("delete"),
              "TrainingLifecycle deletes a finished training once its"
                  + " spec.runPolicy.ttlSecondsAfterFinished has passed"),
          new Rule(
              "arrest.dev",
              List.of("arresttrainings/status"),
              List.of(),
              List.of("update"),
              "ArrestTrainingReconciler writes the whole status with optimistic locking (PUT)"),
          new Rule(
              "arrest.dev",
              List.of("arresttrainings/finalizers"),
              List.of(),
              List.of("update"),
              "not a request: stage Jobs' owner references set blockOwnerDeletion, which the"
                  + " OwnerReferencesPermissionEnforcement admission plugin allows only with this"
                  + " permission"),
          new Rule(
              "batch",
              List.of("jobs"),
              List.of(),
              List.of("get", "list", "watch", "create", "delete"),
              "StageJobs creates stage Jobs (a dry-run create checks the first one) and reads them"
                  + " from the Job informer (list, watch); it gets one by name when a create finds"
                  + " it already there, when the status names a Job the informer has not seen, and"
                  + " before a restarted stage's next attempt; it deletes a disrupted stage's Job"
                  + " before restarting it, a Job whose trainer refused the spec or never started,"
                  + " and a finished one after spec.runPolicy.jobTtlSecondsAfterFinished"),
          new Rule(
              "",
              List.of("pods"),
              List.of(),
              List.of("list", "watch"),
              "StageJobs reads a Job's pods (termination messages, the running pod) from the pod"
                  + " informer, and lists them when the informer lags behind a finished Job"),
          new Rule(
              "",
              List.of("pods/log"),
              List.of(),
              List.of("get"),
              "PodLogProgressReader tails a running trainer's log for progress"),
          new Rule(
              "",
              List.of("events"),
              List.of(),
              List.of("get", "list", "watch", "create", "patch"),
              "TrainingEvents creates Events and raises the count of a repeated one (its create"
                  + " answers 409; get, then patch); StageJobInformers watches the Job"
                  + " controller's FailedCreate Events about Jobs (a podless Job's reason)"));

  /**
   * In the operator's own namespace, with leader election only; the Lease name is a chart value.
   */
  public static List<Rule> leaderElection(String leaseName) {
    return List.of(
        new Rule(
            "coordination.k8s.io",
            List.of("leases"),
            List.of(),
            List.of("create"),
            "the first replica creates the Lease (create cannot be limited to a resource name)"),
        new Rule(
            "coordination.k8s.io",
            List.of("leases"),
            List.of(leaseName),
            List.of("get", "update", "patch"),
            "Fabric8's LeaseLock reads and patches the Lease; JOSDK's SelfSubjectRulesReview at"
                + " start requires get, create and update (update is otherwise unused)"));
  }

  /** The verbs granted on {@code group/resource} by {@code rules}. */
  public static Set<String> verbs(List<Rule> rules, String group, String resource) {
    Set<String> verbs = new TreeSet<>();
    for (Rule rule : rules) {
      if (rule.apiGroup().equals(group) && rule.resources().contains(resource)) {
        verbs.addAll(rule.verbs());
      }
    }
    return verbs;
  }

  private OperatorPermissions() {}
}
