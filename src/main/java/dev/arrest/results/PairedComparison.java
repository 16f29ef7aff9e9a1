package dev.arrest.results;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.arrest.tradeoff.PairedDifference;

/**
 * Two points evaluated on the same test images, compared example by example ({@code arrest compare
 * --pair}): first minus second, clean and worst-case robust accuracy, each with its paired 95 %
 * interval.
 *
 * @param first the first point's label
 * @param second the second point's label
 * @param standard the difference in clean accuracy
 * @param robust the difference in worst-case robust accuracy
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record PairedComparison(
    String first, String second, PairedDifference standard, PairedDifference robust) {}
