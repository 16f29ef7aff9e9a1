package dev.arrest.cli;

import dev.arrest.api.spec.ArrestTrainingDocuments;
import dev.arrest.api.spec.SpecException;
import dev.arrest.api.spec.SweepPoint;
import dev.arrest.api.spec.SweepPoints;
import dev.arrest.api.v1alpha1.ArrestTraining;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

@Command(
    name = "validate",
    description = "Check an ArrestTraining document without running it; lists a sweep's points.")
final class ValidateCommand implements Callable<Integer> {

  @Parameters(paramLabel = "SPEC", description = "ArrestTraining YAML or JSON file.")
  Path spec;

  @Override
  public Integer call() {
    try {
      ArrestTraining training = ArrestTrainingDocuments.read(spec);
      if (training.getSpec().sweep == null) {
        System.out.println(
            spec
                + ": valid ArrestTraining '"
                + training.getMetadata().getName()
                + "' (method "
                + training.getSpec().finetuning.method
                + ", "
                + training.getSpec().dataset.name
                + ", "
                + training.getSpec().model.architecture
                + ")");
        return 0;
      }
      List<SweepPoint> points = SweepPoints.expand(training);
      System.out.println(
          spec
              + ": valid ArrestTraining '"
              + training.getMetadata().getName()
              + "', a sweep of "
              + points.size()
              + " points ("
              + training.getSpec().dataset.name
              + ", "
              + training.getSpec().model.architecture
              + "):");
      for (SweepPoint point : points) {
        System.out.println(
            "  --point "
                + point.id()
                + "  "
                + point.label()
                + "  -> points/"
                + point.directoryName());
      }
      return 0;
    } catch (SpecException e) {
      System.err.println(e.getMessage());
      return 2;
    }
  }
}
