package dev.arrest.api.spec;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.deser.std.StdDeserializer;
import com.fasterxml.jackson.databind.type.LogicalType;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import io.fabric8.kubernetes.api.model.Quantity;
import java.io.IOException;
import org.yaml.snakeyaml.LoaderOptions;

/**
 * The Jackson configuration that reads a document the way the API server's schema validation does:
 * no coercion between types (a quoted number is a string, a number is not a string or an enum, a
 * string is not a boolean, 2.5 is not an integer), duplicate keys refused, unknown fields refused.
 */
final class StrictMapper {
  /**
   * The deepest field of an ArrestTraining (inside a pod affinity) is about 10 levels down; a limit
   * well above it stops a pathological document early (the YAML scanner's cost grows with depth).
   */
  static final int MAX_NESTING_DEPTH = 40;

  private StrictMapper() {}

  static ObjectMapper yaml() {
    LoaderOptions loader = new LoaderOptions();
    loader.setNestingDepthLimit(MAX_NESTING_DEPTH);
    loader.setCodePointLimit(ArrestTrainingDocuments.MAX_DOCUMENT_BYTES);
    YAMLFactory factory =
        YAMLFactory.builder()
            .loaderOptions(loader)
            .streamReadConstraints(
                StreamReadConstraints.builder().maxNestingDepth(MAX_NESTING_DEPTH).build())
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            // YAML's empty value ("key:" with nothing or a comment after it) is null, as kubectl
            // reads it; YAMLFactory.builder() starts with no parser features, so enable it here.
            .enable(YAMLParser.Feature.EMPTY_STRING_AS_NULL)
            .build();
    return configure(new YAMLMapper(factory));
  }

  @SuppressWarnings("deprecation") // ALLOW_COERCION_OF_SCALARS: still honoured, and the clearest
  private static ObjectMapper configure(ObjectMapper mapper) {
    mapper
        .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
        .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
        .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
        .enable(DeserializationFeature.FAIL_ON_NUMBERS_FOR_ENUMS)
        .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
        .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
        .disable(DeserializationFeature.ACCEPT_SINGLE_VALUE_AS_ARRAY)
        .addMixIn(Quantity.class, StrictQuantity.class);
    mapper.coercionConfigDefaults().setAcceptBlankAsEmpty(false);
    for (LogicalType type : LogicalType.values()) {
      for (CoercionInputShape shape : CoercionInputShape.values()) {
        if (shape != CoercionInputShape.Array
            && shape != CoercionInputShape.Object
            && shape != CoercionInputShape.EmptyArray
            && shape != CoercionInputShape.EmptyObject) {
          mapper.coercionConfigFor(type).setCoercion(shape, CoercionAction.Fail);
        }
      }
    }
    // An integer is a valid number, as in JSON Schema.
    mapper
        .coercionConfigFor(LogicalType.Float)
        .setCoercion(CoercionInputShape.Integer, CoercionAction.TryConvert);
    return mapper;
  }

  /** Replaces Quantity's lenient deserializer (which takes any scalar's text). */
  @JsonDeserialize(using = QuantityDeserializer.class)
  private abstract static class StrictQuantity {}

  /**
   * A quantity is an integer or a string, as the schema's {@code x-kubernetes-int-or-string} says;
   * its format is checked by {@link SpecValidator}, which also sees specs read by the operator.
   */
  static final class QuantityDeserializer extends StdDeserializer<Quantity> {
    QuantityDeserializer() {
      super(Quantity.class);
    }

    @Override
    public Quantity deserialize(JsonParser parser, DeserializationContext context)
        throws IOException {
      JsonToken token = parser.currentToken();
      if (token == JsonToken.VALUE_STRING || token == JsonToken.VALUE_NUMBER_INT) {
        return new Quantity(parser.getText());
      }
      return (Quantity)
          context.handleUnexpectedToken(
              Quantity.class,
              token,
              parser,
              "a Kubernetes quantity is an integer or a string such as 500m or 8Gi");
    }
  }
}
