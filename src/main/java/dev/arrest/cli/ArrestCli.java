package dev.arrest.cli;

import dev.arrest.trainer.engine.GlibcMallocTuning;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code arrest}: runs ArrestTraining documents locally, one stage at a time (trainer pods), or
 * benchmarks.
 */
@Command(
    name = "arrest",
    mixinStandardHelpOptions = true,
    versionProvider = ArrestCli.Version.class,
    description =
        "Adversarially robust finetuning (ARREST) on DJL: run an ArrestTraining locally or one"
            + " stage of it.",
    subcommands = {
      RunCommand.class,
      StageCommand.class,
      ValidateCommand.class,
      ReportCommand.class,
      CompareCommand.class,
      BenchmarkCommand.class,
      AutoAttackBenchmarkCommand.class,
      EngineCommand.class,
      CommandLine.HelpCommand.class
    })
public final class ArrestCli {

  public static void main(String[] args) {
    // Before PyTorch allocates anything: without jemalloc preloaded, keep glibc from returning
    // every freed tensor to the kernel.
    GlibcMallocTuning.applyIfGlibc();
    System.exit(commandLine().execute(args));
  }

  static CommandLine commandLine() {
    return new CommandLine(new ArrestCli()).setCaseInsensitiveEnumValuesAllowed(true);
  }

  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String version = ArrestCli.class.getPackage().getImplementationVersion();
      return new String[] {"arrest " + (version == null ? "development build" : version)};
    }
  }
}
