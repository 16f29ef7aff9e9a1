package dev.arrest.operator.progress;

import dev.arrest.results.ProgressEvent;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.utils.URLUtils;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads a running stage's progress from its pod's log: the trainer prints {@code ARREST_PROGRESS
 * {json}} lines, and the latest one in the log's tail is the stage's progress. This needs only
 * {@code get} on {@code pods/log} for the operator and no API permission at all for the trainer
 * pod. A log that cannot be read (pod just started, node gone) is not an error: progress simply
 * stays as it was. Only a pod the pod informer shows running is read, once per progress interval,
 * and only the log's tail: one bounded request per running stage (docs/operator.md says why this
 * stays the channel).
 */
public class PodLogProgressReader {
  private static final Logger LOG = LoggerFactory.getLogger(PodLogProgressReader.class);

  /**
   * The trainer prints a progress line at least once per epoch; other output between two is a few
   * lines.
   */
  static final int TAIL_LINES = 200;

  private final KubernetesClient client;

  public PodLogProgressReader(KubernetesClient client) {
    this.client = client;
  }

  public Optional<ProgressEvent> latest(String namespace, String podName, String container) {
    String log;
    try {
      // A plain GET of pods/log: Fabric8's PodResource.getLog() first waits for the pod to be
      // ready through an informer, i.e. a list and a watch of pods, which the operator is not
      // granted (and does not need).
      log =
          client.raw(
              URLUtils.join(
                  client.getMasterUrl().toString(),
                  "api/v1/namespaces/"
                      + encode(namespace)
                      + "/pods/"
                      + encode(podName)
                      + "/log?container="
                      + encode(container)
                      + "&tailLines="
                      + TAIL_LINES));
    } catch (KubernetesClientException e) {
      LOG.debug("Cannot read the log of pod {}/{}: {}", namespace, podName, e.getMessage());
      return Optional.empty();
    }
    return latestIn(log);
  }

  private static String encode(String text) {
    return URLEncoder.encode(text, StandardCharsets.UTF_8);
  }

  /** The last parseable progress line of a log text. */
  public static Optional<ProgressEvent> latestIn(String log) {
    if (log == null || log.isEmpty()) {
      return Optional.empty();
    }
    String[] lines = log.split("\n");
    for (int i = lines.length - 1; i >= 0; i--) {
      if (lines[i].contains(ProgressEvent.LINE_PREFIX.trim())) {
        ProgressEvent event = ProgressEvent.parseLine(lines[i]);
        if (event != null) {
          return Optional.of(event);
        }
      }
    }
    return Optional.empty();
  }
}
