package dev.arrest.operator.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.arrest.api.v1alpha1.ArrestTraining;
import dev.arrest.operator.OperatorSettings;
import dev.arrest.operator.testing.Trainings;
import dev.arrest.results.Stage;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.ManagedFieldsEntryBuilder;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.JobConditionBuilder;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.util.List;
import org.junit.jupiter.api.Test;

class CachedObjectsTest {
  private static Job stageJob() {
    ArrestTraining training = Trainings.fashionMnist("quick");
    training.getMetadata().setUid("0b7a2c1e-uid");
    Job built =
        new StageJobFactory(OperatorSettings.defaults())
            .build(training, training.getSpec(), Stage.FINETUNE, "arrest-data");
    // As the API server returns it: server-set metadata and a status.
    return new JobBuilder(built)
        .editMetadata()
        .withUid("job-uid")
        .withResourceVersion("42")
        .withGeneration(1L)
        .withCreationTimestamp("2026-11-29T10:00:00Z")
        .withManagedFields(new ManagedFieldsEntryBuilder().withManager("arrest-operator").build())
        .endMetadata()
        .editSpec()
        .withSuspend(true)
        .endSpec()
        .withNewStatus()
        .withActive(1)
        .withStartTime("2026-11-29T10:00:01Z")
        .withConditions(new JobConditionBuilder().withType("Suspended").withStatus("True").build())
        .endStatus()
        .build();
  }

  @Test
  void aCachedJobKeepsWhatTheOperatorReadsAndNotTheTemplateWithTheSpec() {
    Job job = stageJob();
    assertTrue(
        Serialization.asJson(job).contains(TrainerDocument.ENV_VAR),
        "the full Job carries the spec");

    Job cached = CachedObjects.job(job);

    ObjectMeta metadata = cached.getMetadata();
    assertEquals(job.getMetadata().getName(), metadata.getName());
    assertEquals(job.getMetadata().getNamespace(), metadata.getNamespace());
    assertEquals("job-uid", metadata.getUid());
    assertEquals("42", metadata.getResourceVersion());
    assertEquals("2026-11-29T10:00:00Z", metadata.getCreationTimestamp());
    assertEquals(job.getMetadata().getLabels(), metadata.getLabels());
    assertEquals(job.getMetadata().getAnnotations(), metadata.getAnnotations());
    assertEquals(job.getMetadata().getOwnerReferences(), metadata.getOwnerReferences());
    assertTrue(StageJobs.isOwnedBy(cached, training()));
    assertEquals(List.of(), metadata.getManagedFields());
    assertEquals(true, cached.getSpec().getSuspend());
    assertEquals(job.getSpec().getBackoffLimit(), cached.getSpec().getBackoffLimit());
    assertNull(cached.getSpec().getTemplate(), "the pod template, with ARREST_TRAINING");
    assertEquals(job.getStatus(), cached.getStatus());
    assertEquals(JobOutcome.of(job), JobOutcome.of(cached));
    String json = Serialization.asJson(cached);
    assertFalse(json.contains(TrainerDocument.ENV_VAR), json);
    assertTrue(
        json.length() * 4 < Serialization.asJson(job).length(),
        "cached " + json.length() + " of " + Serialization.asJson(job).length() + " characters");
  }

  @Test
  void aCachedPodKeepsItsStatusAndNodeAndNotItsContainers() {
    Job job = stageJob();
    Pod pod =
        new PodBuilder()
            .withNewMetadataLike(job.getSpec().getTemplate().getMetadata())
            .withName("quick-finetune-abcde")
            .withNamespace("ml")
            .withUid("pod-uid")
            .withResourceVersion("43")
            .withCreationTimestamp("2026-11-29T10:00:02Z")
            .addToLabels(TrainerLabels.JOB_NAME, job.getMetadata().getName())
            .endMetadata()
            .withSpec(job.getSpec().getTemplate().getSpec())
            .editSpec()
            .withNodeName("gpu-node-1")
            .endSpec()
            .withNewStatus()
            .withPhase("Failed")
            .addNewContainerStatus()
            .withName(StageJobFactory.CONTAINER_NAME)
            .withNewState()
            .withNewTerminated()
            .withExitCode(1)
            .withMessage("{\"status\":\"Failed\"}")
            .endTerminated()
            .endState()
            .endContainerStatus()
            .endStatus()
            .build();

    Pod cached = CachedObjects.pod(pod);

    assertEquals("quick-finetune-abcde", cached.getMetadata().getName());
    assertEquals("pod-uid", cached.getMetadata().getUid());
    assertEquals(pod.getMetadata().getLabels(), cached.getMetadata().getLabels());
    assertEquals("2026-11-29T10:00:02Z", cached.getMetadata().getCreationTimestamp());
    assertEquals("gpu-node-1", cached.getSpec().getNodeName());
    assertEquals(List.of(), cached.getSpec().getContainers());
    assertEquals(List.of(), cached.getSpec().getVolumes());
    assertEquals(pod.getStatus(), cached.getStatus());
    assertFalse(Serialization.asJson(cached).contains(TrainerDocument.ENV_VAR));
  }

  @Test
  void aCachedEventKeepsWhichJobItIsAboutWhyAndWhenAndNotItsManagedFields() {
    Event event =
        new EventBuilder()
            .withNewMetadata()
            .withName("quick-finetune.17a")
            .withNamespace("ml")
            .withUid("event-uid")
            .withResourceVersion("44")
            .withManagedFields(
                new ManagedFieldsEntryBuilder().withManager("kube-controller-manager").build())
            .endMetadata()
            .withNewInvolvedObject()
            .withKind("Job")
            .withNamespace("ml")
            .withName("quick-finetune")
            .withUid("job-uid")
            .endInvolvedObject()
            .withType("Warning")
            .withReason(StageJobs.FAILED_CREATE)
            .withMessage("Error creating: pods \"quick-finetune-x\" is forbidden: exceeded quota")
            .withCount(3)
            .withLastTimestamp("2026-11-29T10:00:05Z")
            .withNewSource()
            .withComponent("job-controller")
            .endSource()
            .build();

    Event cached = CachedObjects.event(event);

    assertEquals("quick-finetune.17a", cached.getMetadata().getName());
    assertEquals("44", cached.getMetadata().getResourceVersion());
    assertEquals(List.of(), cached.getMetadata().getManagedFields());
    assertEquals(event.getInvolvedObject(), cached.getInvolvedObject());
    assertEquals(StageJobs.FAILED_CREATE, cached.getReason());
    assertEquals(event.getMessage(), cached.getMessage());
    assertEquals(3, cached.getCount());
    assertEquals("2026-11-29T10:00:05Z", cached.getLastTimestamp());
  }

  private static ArrestTraining training() {
    ArrestTraining training = Trainings.fashionMnist("quick");
    training.getMetadata().setUid("0b7a2c1e-uid");
    return training;
  }
}
