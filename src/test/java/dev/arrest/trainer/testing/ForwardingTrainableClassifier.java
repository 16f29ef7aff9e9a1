package dev.arrest.trainer.testing;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import dev.arrest.trainer.engine.Outputs;
import dev.arrest.trainer.engine.TrainableClassifier;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/** A model that does what the model it wraps does; tests override the one method they change. */
public abstract class ForwardingTrainableClassifier implements TrainableClassifier {
  protected final TrainableClassifier delegate;

  protected ForwardingTrainableClassifier(TrainableClassifier delegate) {
    this.delegate = delegate;
  }

  @Override
  public Outputs forward(NDArray images, boolean training) {
    return delegate.forward(images, training);
  }

  @Override
  public void setFrozen(boolean frozen) {
    delegate.setFrozen(frozen);
  }

  @Override
  public int numClasses() {
    return delegate.numClasses();
  }

  @Override
  public List<Pair<String, Parameter>> parameters() {
    return delegate.parameters();
  }

  @Override
  public NDManager manager() {
    return delegate.manager();
  }

  @Override
  public String description() {
    return delegate.description();
  }

  @Override
  public String modelFileName() {
    return delegate.modelFileName();
  }

  @Override
  public void save(Path file) throws IOException {
    delegate.save(file);
  }

  @Override
  public void load(Path file) throws IOException {
    delegate.load(file);
  }

  @Override
  public void close() {
    delegate.close();
  }
}
