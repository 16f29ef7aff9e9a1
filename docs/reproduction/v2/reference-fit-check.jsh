// Does a reference curve exist on scratch-30's points? docs/reproduction.md, step 5. Fits the tradeoff curve (degree 2,
// monotone fallback, as `arrest compare --degree 2` does) to at and trades beta=6 as evaluated (all 10 000 test images,
// clean and PGD-20 %) plus one hypothetical beta=1 point at a time, and prints the degree used or why no fit exists.
//   jshell --class-path target/arrest.jar docs/reproduction/v2/reference-fit-check.jsh
import dev.arrest.tradeoff.ReferencePoint;
import dev.arrest.tradeoff.TradeoffCurve;
import java.util.List;

var at = new ReferencePoint("at", 84.85, 78.03, "scratch-30");
var beta6 = new ReferencePoint("trades beta=6", 79.31, 71.12, "scratch-30");
// v1's beta=1 was 4.1 pp more accurate and 6.2 pp less robust than v1's at: the first row puts it there.
double[][] beta1s = {{88.95, 71.83}, {87.0, 72.0}, {86.5, 74.0}, {86.5, 70.0}, {88.0, 66.0}};
for (double[] b : beta1s) {
  String outcome;
  try {
    var beta1 = new ReferencePoint("trades beta=1", b[0], b[1], "hypothetical");
    outcome = "fitted, degree " + TradeoffCurve.fit(List.of(at, beta6, beta1), 2).degree();
  } catch (IllegalArgumentException e) {
    outcome = e.getMessage().replaceAll(" \\(.*", "");
  }
  System.out.printf("beta=1 at %.2f %% / %.2f %%: %s%n", b[0], b[1], outcome);
}
/exit
