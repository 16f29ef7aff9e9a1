// Step 10 (docs/reproduction.md): each AutoAttack twin's evaluation (standard AutoAttack on 1000 class-stratified test
// images, seed 0) beside its run's evaluation of the same model (clean and PGD-20 on all 10 000), restricted to the
// same 1000 images, so that the two attacks are compared image by image rather than across different images. Prints,
// per point: clean accuracy of both on those images and on how many they differ (none, if the twin evaluated the same
// model), robust accuracy under PGD-20 and under AutoAttack, and AutoAttack - PGD-20 with its paired 95 % interval.
//   jshell -R-Dai.djl.offline=true --class-path target/arrest.jar docs/reproduction/v2/autoattack-vs-pgd.jsh
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.arrest.results.ExampleOutcomes;
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

String percent(boolean[] correct) {
  int k = 0;
  for (boolean c : correct) k += c ? 1 : 0;
  return String.format("%.1f %%", 100.0 * k / correct.length);
}

System.out.println(
    "| point | clean (AutoAttack's evaluation / PGD-20's) | PGD-20 | AutoAttack | AutoAttack - PGD-20 |");
System.out.println("|---|---|---|---|---|");
List<Path> twins;
try (Stream<Path> found = Files.find(runs, 5, (p, a) -> p.endsWith("evaluate/stage-result.json")
    && p.toString().contains("-autoattack/"))) {
  twins = found.sorted().toList();
}
for (Path twinResult : twins) {
  Path twinStage = twinResult.getParent().getParent();
  Path relative = runs.relativize(twinStage);
  String run = relative.getName(0).toString().replace("-autoattack", "");
  Path point = relative.getNameCount() > 1 ? relative.subpath(1, relative.getNameCount()) : Path.of("");
  Path trained = runs.resolve(run).resolve(point);
  Path pgdResult = trained.resolve("evaluate/stage-result.json");
  if (!Files.exists(pgdResult)) {
    System.out.println("| " + relative + " | no PGD-20 evaluation at " + pgdResult + " | | | |");
    continue;
  }
  JsonNode twin = json.readTree(twinResult.toFile()).get("evaluation");
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
  System.out.printf("| %s | %s / %s (%d differ) | %s | %s | %s |%n",
      point.toString().isEmpty() ? run : run + "/" + point.getFileName(), percent(aaClean), percent(pgdClean),
      cleanDiffers, percent(pgdRobust), percent(aaRobust), PairedDifference.of(aaRobust, pgdRobust).describe());
}
/exit
