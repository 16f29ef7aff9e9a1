package dev.arrest.e2e;

import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.api.model.rbac.RoleRef;
import io.fabric8.kubernetes.api.model.rbac.Subject;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Compares what RBAC grants a ServiceAccount with the API requests a process made with it (read
 * from Fabric8's HTTP trace log): every request must be granted, and every grant must have been
 * used, so that the grants are exactly what the operator needs, each proven by use.
 */
final class RbacUsage {
  private static final Pattern REQUEST =
      Pattern.compile(" - > (GET|POST|PUT|PATCH|DELETE) (https?://\\S+)");

  private RbacUsage() {}

  /**
   * One resource request: verb as RBAC names it, API group, resource[/subresource], namespace
   * (null: cluster).
   */
  record Request(String verb, String group, String resource, String namespace, String name) {
    @Override
    public String toString() {
      return verb
          + " "
          + (group.isEmpty() ? "core" : group)
          + "/"
          + resource
          + (namespace == null ? " (cluster)" : " in " + namespace)
          + (name == null ? "" : " " + name);
    }
  }

  /**
   * A granted verb on a resource: cluster-wide ({@code namespace} null, from a ClusterRoleBinding)
   * or in one namespace (from a RoleBinding); {@code names} empty for all objects, else the rule's
   * resourceNames.
   */
  record Grant(
      String verb,
      String group,
      String resource,
      String namespace,
      Set<String> names,
      String from) {
    boolean covers(Request request) {
      return verb.equals(request.verb())
          && group.equals(request.group())
          && resource.equals(request.resource())
          && (namespace == null || namespace.equals(request.namespace()))
          && (names.isEmpty() || (request.name() != null && names.contains(request.name())));
    }

    @Override
    public String toString() {
      return verb
          + " "
          + (group.isEmpty() ? "core" : group)
          + "/"
          + resource
          + (namespace == null ? " (all namespaces)" : " in " + namespace)
          + (names.isEmpty() ? "" : " named " + names)
          + " ["
          + from
          + "]";
    }
  }

  /**
   * The resource requests in a log with Fabric8's HTTP trace; non-resource requests (discovery) are
   * left out.
   */
  static List<Request> requests(String log) {
    List<Request> requests = new ArrayList<>();
    for (String line : log.split("\n")) {
      if (!line.contains(OperatorProcess.HTTP_LOGGER)) {
        continue;
      }
      Matcher matcher = REQUEST.matcher(line);
      if (matcher.find()) {
        Request request = parse(matcher.group(1), URI.create(matcher.group(2)));
        if (request != null) {
          requests.add(request);
        }
      }
    }
    return requests;
  }

  static Request parse(String method, URI uri) {
    String[] parts = uri.getPath().replaceAll("^/+|/+$", "").split("/");
    int at;
    String group;
    if (parts.length >= 3 && parts[0].equals("api")) {
      group = "";
      at = 2;
    } else if (parts.length >= 4 && parts[0].equals("apis")) {
      group = parts[1];
      at = 3;
    } else {
      return null;
    }
    List<String> rest = List.of(parts).subList(at, parts.length);
    String namespace = null;
    if (rest.size() >= 3 && rest.get(0).equals("namespaces")) {
      namespace = rest.get(1);
      rest = rest.subList(2, rest.size());
    }
    String resource = rest.get(0);
    String name = rest.size() >= 2 ? rest.get(1) : null;
    if (rest.size() >= 3) {
      resource = resource + "/" + rest.get(2);
    }
    String query = uri.getQuery() == null ? "" : uri.getQuery();
    String verb =
        switch (method) {
          case "GET" ->
              name != null ? "get" : query.matches("(.*&)?watch=(true|1)(&.*)?") ? "watch" : "list";
          case "POST" -> "create";
          case "PUT" -> "update";
          case "PATCH" -> "patch";
          case "DELETE" -> name != null ? "delete" : "deletecollection";
          default -> throw new IllegalArgumentException(method);
        };
    return new Request(verb, group, resource, namespace, name);
  }

  /** What the ClusterRoleBindings and RoleBindings naming the ServiceAccount grant it. */
  static List<Grant> grants(KubernetesClient admin, String namespace, String serviceAccount) {
    return grants(admin, namespace, serviceAccount, false);
  }

  /**
   * What every authenticated user or every ServiceAccount is granted by the cluster's own bindings
   * (e.g. system:basic-user: create selfsubjectaccessreviews), which the chart neither adds nor can
   * take away.
   */
  static List<Grant> defaultGrants(KubernetesClient admin, String namespace) {
    return grants(admin, namespace, null, true);
  }

  private static List<Grant> grants(
      KubernetesClient admin, String namespace, String serviceAccount, boolean defaults) {
    List<Grant> grants = new ArrayList<>();
    for (ClusterRoleBinding binding : admin.rbac().clusterRoleBindings().list().getItems()) {
      if (defaults
          ? groups(binding.getSubjects(), namespace)
          : names(binding.getSubjects(), namespace, serviceAccount)) {
        List<PolicyRule> rules =
            admin.rbac().clusterRoles().withName(binding.getRoleRef().getName()).get().getRules();
        expand(
            rules,
            null,
            "ClusterRoleBinding " + binding.getMetadata().getName(),
            grants,
            !defaults);
      }
    }
    for (RoleBinding binding : admin.rbac().roleBindings().inAnyNamespace().list().getItems()) {
      if (defaults
          ? groups(binding.getSubjects(), namespace)
          : names(binding.getSubjects(), namespace, serviceAccount)) {
        RoleRef ref = binding.getRoleRef();
        String bindingNamespace = binding.getMetadata().getNamespace();
        List<PolicyRule> rules =
            "ClusterRole".equals(ref.getKind())
                ? admin.rbac().clusterRoles().withName(ref.getName()).get().getRules()
                : admin
                    .rbac()
                    .roles()
                    .inNamespace(bindingNamespace)
                    .withName(ref.getName())
                    .get()
                    .getRules();
        expand(
            rules,
            bindingNamespace,
            "RoleBinding " + bindingNamespace + "/" + binding.getMetadata().getName(),
            grants,
            !defaults);
      }
    }
    return grants;
  }

  private static boolean names(List<Subject> subjects, String namespace, String serviceAccount) {
    return subjects != null
        && subjects.stream()
            .anyMatch(
                subject ->
                    "ServiceAccount".equals(subject.getKind())
                        && serviceAccount.equals(subject.getName())
                        && namespace.equals(subject.getNamespace()));
  }

  private static boolean groups(List<Subject> subjects, String namespace) {
    Set<String> everyone =
        Set.of(
            "system:authenticated",
            "system:serviceaccounts",
            "system:serviceaccounts:" + namespace);
    return subjects != null
        && subjects.stream()
            .anyMatch(
                subject ->
                    "Group".equals(subject.getKind()) && everyone.contains(subject.getName()));
  }

  private static void expand(
      List<PolicyRule> rules, String namespace, String from, List<Grant> grants, boolean strict) {
    for (PolicyRule rule : rules) {
      if (rule.getNonResourceURLs() != null && !rule.getNonResourceURLs().isEmpty()) {
        if (!strict) {
          continue; // the cluster's discovery roles (/api, /version, ...)
        }
        throw new AssertionError(from + " grants non-resource URLs " + rule.getNonResourceURLs());
      }
      for (String group : rule.getApiGroups()) {
        for (String resource : rule.getResources()) {
          for (String verb : rule.getVerbs()) {
            if (strict && (group.contains("*") || resource.contains("*") || verb.contains("*"))) {
              throw new AssertionError(from + " grants a wildcard: " + rule);
            }
            Set<String> names =
                rule.getResourceNames() == null ? Set.of() : Set.copyOf(rule.getResourceNames());
            grants.add(new Grant(verb, group, resource, namespace, names, from));
          }
        }
      }
    }
  }

  /** Requests that no grant covers (each would have been refused). */
  static Set<String> ungranted(List<Request> requests, List<Grant> grants) {
    Set<String> result = new TreeSet<>();
    for (Request request : requests) {
      if (grants.stream().noneMatch(grant -> grant.covers(request))) {
        result.add(request.toString());
      }
    }
    return result;
  }

  /** Grants that no request used. */
  static Set<String> unused(List<Request> requests, List<Grant> grants) {
    Set<String> result = new TreeSet<>();
    for (Grant grant : grants) {
      if (requests.stream().noneMatch(grant::covers)) {
        result.add(grant.toString());
      }
    }
    return result;
  }
}
