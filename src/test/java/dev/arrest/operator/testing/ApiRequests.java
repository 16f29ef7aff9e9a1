package dev.arrest.operator.testing;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Turns recorded "METHOD path" requests into the RBAC terms an API server authorizes them by. */
public final class ApiRequests {
  /** group ("" for core), resource (with "/subresource"), verb; e.g. {@code batch jobs create}. */
  public record Access(String group, String resource, String verb) {
    @Override
    public String toString() {
      return (group.isEmpty() ? "core" : group) + " " + resource + " " + verb;
    }
  }

  // /api/v1[/namespaces/NS]/RESOURCE[/NAME[/SUB]] and
  // /apis/GROUP/VERSION[/namespaces/NS]/RESOURCE[/NAME[/SUB]]
  private static final Pattern PATH =
      Pattern.compile(
          "/(?:api/v1|apis/([^/]+)/[^/]+)(?:/namespaces/[^/]+)?/([^/?]+)(?:/([^/?]+))?(?:/([^/?]+))?(?:\\?(.*))?");

  private ApiRequests() {}

  public static Access access(String request) {
    String[] parts = request.split(" ", 2);
    Matcher matcher = PATH.matcher(parts[1]);
    if (!matcher.matches()) {
      throw new IllegalArgumentException("not a resource request: " + request);
    }
    String group = matcher.group(1) == null ? "" : matcher.group(1);
    String resource = matcher.group(2);
    String name = matcher.group(3);
    String subresource = matcher.group(4);
    String query = matcher.group(5) == null ? "" : matcher.group(5);
    if (subresource != null) {
      resource = resource + "/" + subresource;
    }
    String verb =
        switch (parts[0]) {
          case "GET" ->
              name != null ? "get" : query.matches("(.*&)?watch=(true|1)(&.*)?") ? "watch" : "list";
          case "POST" -> "create";
          case "PUT" -> "update";
          case "PATCH" -> "patch";
          case "DELETE" -> name != null ? "delete" : "deletecollection";
          default -> throw new IllegalArgumentException("method of " + request);
        };
    return new Access(group, resource, verb);
  }

  /**
   * Resource accesses of the requests; GET /version (the operator reads the server's version at
   * start) is left out: every authenticated user may read it (system:public-info-viewer), so it
   * needs no rule.
   */
  public static Set<Access> accesses(List<String> requests) {
    Set<Access> result = new LinkedHashSet<>();
    requests.stream()
        .filter(request -> !PUBLIC_INFO.matcher(request).matches())
        .forEach(request -> result.add(access(request)));
    return result;
  }

  private static final Pattern PUBLIC_INFO = Pattern.compile("GET /version/?(\\?.*)?");
}
