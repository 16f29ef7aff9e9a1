package dev.arrest.operator.events;

import dev.arrest.api.v1alpha1.ArrestTraining;
import dev.arrest.operator.jobs.KubernetesNames;
import dev.arrest.operator.status.Reason;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.ObjectReferenceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Clock;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Records core/v1 Events on an ArrestTraining, deduplicated like client-go's recorder: the same
 * type, reason and message on the same object raise the count of one Event instead of adding
 * another. The Event's name is derived from exactly those, so deduplication needs no in-memory
 * state and survives operator restarts. Recording an Event never fails a reconciliation.
 */
public class TrainingEvents {
  public static final String NORMAL = "Normal";
  public static final String WARNING = "Warning";
  public static final String COMPONENT = "arrest-operator";

  private static final Logger LOG = LoggerFactory.getLogger(TrainingEvents.class);

  /** The API server rejects Event messages over 1 KiB in newer versions; keep them well below. */
  private static final int MAX_MESSAGE = 1000;

  private final KubernetesClient client;
  private final Clock clock;

  public TrainingEvents(KubernetesClient client, Clock clock) {
    this.client = client;
    this.clock = clock;
  }

  public void normal(ArrestTraining training, Reason reason, String message) {
    record(training, NORMAL, reason.toString(), message);
  }

  public void warning(ArrestTraining training, Reason reason, String message) {
    record(training, WARNING, reason.toString(), message);
  }

  public void normal(ArrestTraining training, String reason, String message) {
    record(training, NORMAL, reason, message);
  }

  public void warning(ArrestTraining training, String reason, String message) {
    record(training, WARNING, reason, message);
  }

  /**
   * Whether this Event was recorded on the training (by this or an earlier operator process): a
   * trace that survives the operator's own state. False when the API server cannot say.
   */
  public boolean recorded(ArrestTraining training, String type, Reason reason, String message) {
    try {
      return client
              .v1()
              .events()
              .inNamespace(training.getMetadata().getNamespace())
              .withName(eventName(training, type, reason.toString(), shortened(message)))
              .get()
          != null;
    } catch (KubernetesClientException e) {
      LOG.warn(
          "Cannot read event {} of ArrestTraining {}/{}: {}",
          reason,
          training.getMetadata().getNamespace(),
          training.getMetadata().getName(),
          e.getMessage());
      return false;
    }
  }

  private static String shortened(String message) {
    return message.length() > MAX_MESSAGE ? message.substring(0, MAX_MESSAGE - 3) + "..." : message;
  }

  private void record(ArrestTraining training, String type, String reason, String message) {
    String text = shortened(message);
    String namespace = training.getMetadata().getNamespace();
    String name = eventName(training, type, reason, text);
    String now =
        DateTimeFormatter.ISO_INSTANT.format(Instant.now(clock).truncatedTo(ChronoUnit.SECONDS));
    try {
      // Create first: most Events are new, and one that exists answers 409, which raises its count.
      client
          .v1()
          .events()
          .inNamespace(namespace)
          .resource(
              new EventBuilder()
                  .withNewMetadata()
                  .withName(name)
                  .withNamespace(namespace)
                  .endMetadata()
                  .withInvolvedObject(
                      new ObjectReferenceBuilder()
                          .withApiVersion(ArrestTraining.API_VERSION)
                          .withKind("ArrestTraining")
                          .withNamespace(namespace)
                          .withName(training.getMetadata().getName())
                          .withUid(training.getMetadata().getUid())
                          .build())
                  .withType(type)
                  .withReason(reason)
                  .withMessage(text)
                  .withCount(1)
                  .withFirstTimestamp(now)
                  .withLastTimestamp(now)
                  .withNewSource()
                  .withComponent(COMPONENT)
                  .endSource()
                  .withReportingComponent(COMPONENT)
                  .build())
          .create();
    } catch (KubernetesClientException e) {
      if (e.getCode() == 409) {
        try {
          increment(namespace, name, now);
          return;
        } catch (KubernetesClientException again) {
          e = again;
        }
      }
      LOG.warn(
          "Cannot record event {} '{}' on ArrestTraining {}/{}: {}",
          reason,
          text,
          namespace,
          training.getMetadata().getName(),
          e.getMessage());
    }
  }

  private void increment(String namespace, String name, String now) {
    client
        .v1()
        .events()
        .inNamespace(namespace)
        .withName(name)
        .edit(
            event -> {
              event.setCount(event.getCount() == null ? 2 : event.getCount() + 1);
              event.setLastTimestamp(now);
              return event;
            });
  }

  /**
   * {@code <training>.<hash of uid, type, reason, message>}, like the names client-go gives Events.
   */
  public static String eventName(
      ArrestTraining training, String type, String reason, String message) {
    String key = training.getMetadata().getUid() + "\n" + type + "\n" + reason + "\n" + message;
    return KubernetesNames.fit(training.getMetadata().getName(), 200)
        + "."
        + KubernetesNames.hash(key);
  }
}
