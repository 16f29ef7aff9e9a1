// Step 10 (docs/reproduction.md): each AutoAttack twin's evaluation (standard AutoAttack on 1000 class-stratified test
// images, seed 0) beside its run's evaluation of the same model (clean and PGD-20 on all 10 000), restricted to the
// same 1000 images, so that the two attacks are compared image by image rather than across different images. Prints
// step 10's table, one row per twin evaluated so far: clean accuracy on the 1000 with its Wilson 95 % interval, robust
// accuracy after APGD-CE (the first attack) and after all of AutoAttack (Wilson), PGD-20's on the same images,
// AutoAttack - PGD-20 with its paired 95 % interval (images only AutoAttack got right vs only PGD-20), PGD-20 on all
// 10 000 and the evaluation's time; then whether both evaluations got the same images right clean (they must: the
// twin evaluates its run's model).
//   jshell -R-Dai.djl.offline=true --class-path target/arrest.jar docs/reproduction/v2/autoattack-vs-pgd.jsh
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.arrest.results.ExampleOutcomes;
import dev.arrest.tradeoff.ConfidenceIntervals;
import dev.arrest.tradeoff.PairedDifference;
import dev.arrest.trainer.data.Datasets;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

Path runs = Path.of(System.getenv().getOrDefault("RUNS", "runs/reproduction-v2"));
ObjectMapper json = new ObjectMapper();
var testSet = Datasets.load("fashion-mnist", null, false);
int[] labels = testSet.labels();
// The sample the evaluation drew (ImageDataset.stratifiedSubset); its index list is not public API, hence reflection.
Method sample = Class.forName("dev.arrest.trainer.data.StratifiedSample").
    getDeclaredMethod("indices", int[].class, int.class, int.class, long.class);
sample.setAccessible(true);

boolean[] outcomes(JsonNode evaluation, String which) {
  var examples = new ExampleOutcomes(
      evaluation.at("/examples/standardCorrect").asText(), evaluation.at("/examples/robustCorrect").asText());
  int samples = evaluation.get("samples").asInt();
  return which.equals("standard") ? examples.standard(samples) : examples.robust(samples);
}

double percent(boolean[] correct) {
  int k = 0;
  for (boolean c : correct) k += c ? 1 : 0;
  return 100.0 * k / correct.length;
}

String withInterval(double percent, int n) {
  var interval = ConfidenceIntervals.wilson(percent, n);
  return String.format("%.1f %% [%.1f, %.1f]", percent, interval.from(), interval.to());
}

// The point's label in its run's results.json ("trades beta=6"), or the run's name for a run of one point.
String label(String run, Path point) throws Exception {
  if (point.toString().isEmpty()) return run;
  for (JsonNode p : json.readTree(runs.resolve(run).resolve("results.json").toFile()).get("points")) {
    if (p.get("directory").asText().equals(point.toString())) return run + "/" + p.get("label").asText();
  }
  return run + "/" + point.getFileName();
}

System.out.println("| point | standard (1000) | after APGD-CE | AutoAttack | PGD-20, same 1000 "
    + "| AutoAttack - PGD-20 (paired) | PGD-20, all 10 000 | time |");
System.out.println("|---|---|---|---|---|---|---|---|");
List<Path> twins;
try (Stream<Path> found = Files.find(runs, 5, (p, a) -> p.endsWith("evaluate/stage-result.json")
    && p.toString().contains("-autoattack/"))) {
  twins = found.sorted().toList();
}
List<String> cleanChecks = new ArrayList<>();
for (Path twinResult : twins) {
  Path twinStage = twinResult.getParent().getParent();
  Path relative = runs.relativize(twinStage);
  String run = relative.getName(0).toString().replace("-autoattack", "");
  Path point = relative.getNameCount() > 1 ? relative.subpath(1, relative.getNameCount()) : Path.of("");
  Path pgdResult = runs.resolve(run).resolve(point).resolve("evaluate/stage-result.json");
  if (!Files.exists(pgdResult)) {
    System.out.println("| " + relative + " | no PGD-20 evaluation at " + pgdResult + " | | | | | | |");
    continue;
  }
  JsonNode twinStageResult = json.readTree(twinResult.toFile());
  JsonNode twin = twinStageResult.get("evaluation");
  JsonNode full = json.readTree(pgdResult.toFile()).get("evaluation");
  if (!twin.at("/subset/selection").asText().equals("stratified") || full.get("samples").asInt() != labels.length) {
    throw new IllegalStateException(relative + ": expected a stratified twin and a run evaluated on all test images");
  }
  int[] images = (int[]) sample.invoke(
      null, labels, testSet.numClasses(), twin.get("samples").asInt(), twin.at("/subset/seed").asLong());
  boolean[] fullClean = outcomes(full, "standard"), fullRobust = outcomes(full, "robust");
  boolean[] pgdClean = new boolean[images.length], pgdRobust = new boolean[images.length];
  for (int i = 0; i < images.length; i++) {
    pgdClean[i] = fullClean[images[i]];
    pgdRobust[i] = fullRobust[images[i]];
  }
  boolean[] aaClean = outcomes(twin, "standard"), aaRobust = outcomes(twin, "robust");
  int cleanDiffers = 0;
  for (int i = 0; i < images.length; i++) cleanDiffers += aaClean[i] != pgdClean[i] ? 1 : 0;
  String name = label(run, point);
  cleanChecks.add(name + ": " + cleanDiffers);
  int n = images.length;
  JsonNode apgdCe = twin.at("/attacks/0");
  var difference = PairedDifference.of(aaRobust, pgdRobust);
  System.out.printf("| %s | %s | %s | %s | %.1f %% | %+.1f pp [%+.1f, %+.1f] (%d vs %d) | %.2f %% | %.1f min |%n",
      name, withInterval(percent(aaClean), n),
      apgdCe.get("type").asText().equals("apgd-ce")
          ? String.format("%.1f %%", 100 * apgdCe.get("robustAccuracy").asDouble()) : "-",
      withInterval(percent(aaRobust), n), percent(pgdRobust),
      difference.difference(), difference.interval().from(), difference.interval().to(),
      difference.onlyFirst(), difference.onlySecond(),
      100 * full.get("robustAccuracy").asDouble(), twinStageResult.get("seconds").asDouble() / 60);
}
System.out.println();
System.out.println("Images whose clean outcome differs between the two evaluations (must be 0): "
    + String.join(", ", cleanChecks));
/exit
