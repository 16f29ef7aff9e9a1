package dev.arrest.trainer.model;

import static dev.arrest.trainer.model.ModelFixtures.forward;
import static dev.arrest.trainer.model.ModelFixtures.images;
import static dev.arrest.trainer.model.ModelFixtures.initialized;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Parameter;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.nn.pooling.Pool;
import java.util.Iterator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** SmallCNN in eval mode against the TRADES layer sequence written out with functional ops. */
class SmallCnnTest {

  private NDManager manager;

  @BeforeEach
  void setUp() {
    manager = NDManager.newBaseManager();
  }

  @AfterEach
  void tearDown() {
    manager.close();
  }

  @ParameterizedTest(name = "{0}x{1}x{1}")
  @CsvSource({"1, 28", "3, 32"})
  void matchesTheTradesLayerSequence(int channels, int side) {
    RepresentationClassifier model =
        initialized(ModelFixtures.small(Models.SMALL_CNN, channels, side), manager, 5);
    NDArray x = images(model, manager, 3, 6);

    NDList actual = forward(model, manager, x, false);

    Iterator<Parameter> p = model.getParameters().values().iterator();
    Shape meanShape = new Shape(1, channels, 1, 1);
    NDArray h =
        x.sub(manager.create(model.normalization().mean(), meanShape))
            .div(manager.create(model.normalization().std(), meanShape));
    h = Activation.relu(conv(h, p));
    h = maxPool(Activation.relu(conv(h, p)));
    h = Activation.relu(conv(h, p));
    h = maxPool(Activation.relu(conv(h, p)));
    h = h.reshape(3, -1);
    h = Activation.relu(linear(h, p)); // dropout is the identity in eval mode
    NDArray features = Activation.relu(linear(h, p));
    NDArray logits = linear(features, p);

    assertArrayEquals(features.toFloatArray(), actual.get(1).toFloatArray(), 1e-5f);
    assertArrayEquals(logits.toFloatArray(), actual.get(0).toFloatArray(), 1e-5f);
  }

  private static NDArray conv(NDArray x, Iterator<Parameter> p) {
    return Conv2d.conv2d(x, p.next().getArray(), p.next().getArray()).head();
  }

  private static NDArray linear(NDArray x, Iterator<Parameter> p) {
    return Linear.linear(x, p.next().getArray(), p.next().getArray()).head();
  }

  private static NDArray maxPool(NDArray x) {
    return Pool.maxPool2d(x, new Shape(2, 2), new Shape(2, 2), new Shape(0, 0), false);
  }
}
