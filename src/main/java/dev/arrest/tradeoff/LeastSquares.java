package dev.arrest.tradeoff;

/**
 * Least-squares polynomial fitting by Householder QR of the Vandermonde matrix.
 *
 * <p>QR rather than the normal equations: forming V^T V squares the condition number, which matters
 * once the degree reaches 3 or 4.
 */
final class LeastSquares {

  private LeastSquares() {}

  /**
   * The polynomial of the given degree minimizing the sum of squared residuals {@code p(t_i) -
   * y_i}. The caller guarantees at least {@code degree + 1} distinct abscissae, so the system has
   * full rank.
   */
  static Polynomial fit(double[] t, double[] y, int degree) {
    int rows = t.length;
    int columns = degree + 1;
    double[][] a = new double[rows][columns];
    double[] b = y.clone();
    for (int i = 0; i < rows; i++) {
      double power = 1;
      for (int k = 0; k < columns; k++) {
        a[i][k] = power;
        power *= t[i];
      }
    }
    for (int k = 0; k < columns; k++) {
      reflectColumn(a, b, k);
    }
    double[] coefficients = new double[columns];
    for (int k = columns - 1; k >= 0; k--) {
      double sum = b[k];
      for (int j = k + 1; j < columns; j++) {
        sum -= a[k][j] * coefficients[j];
      }
      coefficients[k] = sum / a[k][k];
    }
    return new Polynomial(coefficients);
  }

  /** Applies the Householder reflection that zeroes column k below the diagonal to a and b. */
  private static void reflectColumn(double[][] a, double[] b, int k) {
    int rows = a.length;
    double norm = 0;
    for (int i = k; i < rows; i++) {
      norm = Math.hypot(norm, a[i][k]);
    }
    if (norm == 0) {
      throw new IllegalStateException("rank-deficient least-squares system at column " + k);
    }
    double alpha = a[k][k] > 0 ? -norm : norm;
    double[] v = new double[rows];
    v[k] = a[k][k] - alpha;
    for (int i = k + 1; i < rows; i++) {
      v[i] = a[i][k];
    }
    double vNormSquared = 0;
    for (int i = k; i < rows; i++) {
      vNormSquared += v[i] * v[i];
    }
    if (vNormSquared == 0) {
      return;
    }
    for (int j = k; j < a[0].length; j++) {
      double dot = 0;
      for (int i = k; i < rows; i++) {
        dot += v[i] * a[i][j];
      }
      double factor = 2 * dot / vNormSquared;
      for (int i = k; i < rows; i++) {
        a[i][j] -= factor * v[i];
      }
    }
    double dot = 0;
    for (int i = k; i < rows; i++) {
      dot += v[i] * b[i];
    }
    double factor = 2 * dot / vNormSquared;
    for (int i = k; i < rows; i++) {
      b[i] -= factor * v[i];
    }
  }
}
