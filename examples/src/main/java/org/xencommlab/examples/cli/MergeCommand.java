package org.xencommlab.examples.cli;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.xencommlab.examples.lab.Comparison;
import org.xencommlab.examples.lab.Shard;
import org.xencommlab.examples.lab.ShardFile;
import org.xencommlab.examples.lab.ShardResults;
import org.xencommlab.examples.report.ReportFormat;
import org.xencommlab.examples.report.Sensitivities;
import org.xencommlab.examples.report.model.ComparisonReport;
import org.xencommlab.examples.scenario.Scenario;
import org.xencommlab.examples.scenario.ScenarioCatalog;
import org.xencommlab.machine.wiring.PluginRegistry;
import org.xencommlab.machine.wiring.RunInjectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code xencomm-lab merge SHARD...}: folds the shard files of {@code compare --shard I/N} into the
 * comparison's report, byte for byte the report one unsharded {@code compare} makes. Every shard
 * is read and checked before anything is written: shards of another lab version, seed,
 * configuration set or comparison, overlapping or missing shards, and damaged files are one-line
 * errors with exit code 2, and no output file is made.
 */
@Command(name = "merge", mixinStandardHelpOptions = true,
        description = {"Merge the shard files of 'compare --shard I/N --out FILE' (all N of them, any order) into the"
                + " comparison's report: the same table, JSON, CSV or HTML, byte for byte, as one unsharded compare.",
                "Shards must come from the same lab version, seed and comparison (docs/SCALE-OUT.md)."})
final class MergeCommand implements Runnable {
    private final PluginRegistry registry;
    private final ScenarioCatalog catalog;

    @Spec
    private CommandSpec spec;

    @Parameters(arity = "1..*", paramLabel = "SHARD", description = "The shard files, one per shard I/N.")
    private List<Path> shards = new ArrayList<>();

    @Option(names = "--format", paramLabel = "FORMAT",
            description = "table, json, csv or html (default: from the --out file's extension, else table).")
    private String format;

    @Option(names = "--out", paramLabel = "FILE", description = "Write the report to FILE (the table still goes to the terminal).")
    private Path out;

    MergeCommand(PluginRegistry registry, ScenarioCatalog catalog) {
        this.registry = requireNonNull(registry, "registry is null");
        this.catalog = requireNonNull(catalog, "catalog is null");
    }

    @Override
    public void run() {
        ReportFormat outputFormat = CliSupport.format(format, out);
        CliSupport.checkWritable(out);
        Map<Path, ShardFile> files = new LinkedHashMap<>();
        for (Path path : shards) {
            if (files.containsKey(path)) {
                throw new UsageException(path + " is given twice");
            }
            files.put(path, read(path));
        }
        ComparisonReport report = merge(files, registry, catalog, LabVersion.version());
        PrintWriter terminal = spec.commandLine().getOut();
        if (out == null) {
            terminal.print(outputFormat.render(report));
        } else {
            terminal.print(ReportFormat.TABLE.render(report));
            writeWhole(out, outputFormat.render(report));
            terminal.println("wrote " + outputFormat.cliName() + " report to " + out);
        }
        terminal.flush();
    }

    /**
     * The report of the comparison {@code files} are the shards of, checked against each other and
     * against this lab ({@code version}, the plugins of {@code registry}).
     *
     * @throws UsageException with a one-line reason naming the file at fault
     */
    static ComparisonReport merge(Map<Path, ShardFile> files, PluginRegistry registry, ScenarioCatalog catalog,
            String version) {
        if (files.isEmpty()) {
            throw new UsageException("no shard file to merge");
        }
        Path firstPath = files.keySet().iterator().next();
        ShardFile first = files.get(firstPath);
        Map<Integer, Path> byIndex = new LinkedHashMap<>();
        for (Map.Entry<Path, ShardFile> entry : files.entrySet()) {
            Path path = entry.getKey();
            ShardFile file = entry.getValue();
            if (!file.toolVersion().equals(version)) {
                throw new UsageException(path + " was written by xencomm-lab " + file.toolVersion() + "; this is "
                        + version + " (merge shards with the version that ran them)");
            }
            if (file.seed() != first.seed()) {
                throw new UsageException(path + " has seed " + file.seed() + " but " + firstPath + " has seed "
                        + first.seed() + " (shards of one comparison share its seed)");
            }
            if (!file.definition().configurations().equals(first.definition().configurations())) {
                throw new UsageException(path + " was written by another configuration set than " + firstPath + " ("
                        + difference(file, first) + ")");
            }
            if (!file.digest().equals(first.digest())) {
                throw new UsageException(path + " is a shard of another comparison than " + firstPath
                        + " (scenarios, parameters, --repeat, --sweep, --raw, --sensitivity or the cost model differ)");
            }
            Shard shard = file.results().shard();
            if (shard.count() != first.results().shard().count()) {
                throw new UsageException(path + " is shard " + shard + " but " + firstPath + " is shard "
                        + first.results().shard() + " (every shard must be of the same N)");
            }
            Path other = byIndex.putIfAbsent(shard.index(), path);
            if (other != null) {
                throw new UsageException(other + " and " + path + " are both shard " + shard + " (overlapping shards)");
            }
        }
        int count = first.results().shard().count();
        List<String> missing = new ArrayList<>();
        for (int i = 0; i < count && missing.size() <= 10; i++) {
            if (!byIndex.containsKey(i)) {
                missing.add(i + "/" + count);
            }
        }
        if (!missing.isEmpty()) {
            throw new UsageException("missing shard" + (missing.size() == 1 ? " " : "s ")
                    + String.join(", ", missing.subList(0, Math.min(10, missing.size())))
                    + (count - byIndex.size() > 10 ? " and " + (count - byIndex.size() - 10) + " more" : "")
                    + " of " + count + "; merge wants every shard 0/" + count + " to " + (count - 1) + "/" + count);
        }

        ShardFile.Definition definition = first.definition();
        List<Scenario> scenarios = definition.scenarios().stream().map(catalog::get).toList();
        Comparison comparison;
        try {
            comparison = new Comparison(definition.archs(), definition.strategies(), scenarios, definition.settings(),
                    first.seed(), definition.repeat(), definition.sweep(), definition.sweepValues(), definition.raw());
        } catch (IllegalArgumentException e) {
            throw new UsageException("the shards' comparison cannot be made here: " + e.getMessage());
        }
        RunInjectors injectors = new RunInjectors(registry);
        if (!comparison.reportedConfigurations(injectors).equals(definition.configurations())
                || comparison.totalRuns(registry) != definition.totalRuns()
                || !comparison.scenarioInfos().equals(definition.scenarioInfos())) {
            throw new UsageException("the shards' comparison is not the one this lab makes of the same options"
                    + " (other plugins or scenario defaults?): merge with the same lab and --plugins that ran them");
        }
        List<ShardResults> parts = files.values().stream().map(ShardFile::results).toList();
        ComparisonReport report;
        try {
            report = comparison.report(injectors, definition.costModel(), version, parts);
        } catch (IllegalArgumentException | ArithmeticException e) {
            throw new UsageException("cannot merge the shards: " + e.getMessage());
        }
        if (definition.sensitivity()) {
            report = report.withSensitivity(Sensitivities.of(report, Sensitivities.DEFAULT_FACTORS));
        }
        return report;
    }

    /** The first configuration one shard has and the other lacks, in a few words. */
    private static String difference(ShardFile file, ShardFile first) {
        List<String> theirs = file.definition().configurations().stream().map(c -> c.id()).toList();
        List<String> ours = first.definition().configurations().stream().map(c -> c.id()).toList();
        String sizes = theirs.size() + " configurations vs " + ours.size();
        for (String id : ours) {
            if (!theirs.contains(id)) {
                return sizes + "; it lacks " + id;
            }
        }
        for (String id : theirs) {
            if (!ours.contains(id)) {
                return sizes + "; it has " + id;
            }
        }
        return sizes + ", in another order";
    }

    /** Reads and checks one shard file. */
    static ShardFile read(Path path) {
        String text;
        try {
            if (Files.isDirectory(path)) {
                throw new UsageException("cannot read " + path + ": it is a directory");
            }
            if (Files.size(path) > ShardFile.MAX_BYTES) {
                throw new UsageException("cannot read " + path + ": larger than " + ShardFile.MAX_BYTES + " bytes");
            }
            text = Files.readString(path, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new UsageException("cannot read " + path + ": no such file");
        } catch (IOException e) {
            throw new UsageException("cannot read " + path + ": " + e.getMessage());
        }
        try {
            return ShardFile.read(text);
        } catch (IllegalArgumentException e) {
            throw new UsageException(path + ": " + e.getMessage());
        }
    }

    /**
     * Writes {@code text} to {@code file} whole or not at all: into a temporary file beside it,
     * then moved over it, so a reader never sees half a file.
     */
    static void writeWhole(Path file, String text) {
        Path absolute = file.toAbsolutePath();
        Path temporary = null;
        try {
            temporary = Files.createTempFile(absolute.getParent(), "." + absolute.getFileName() + ".", ".part");
            try {
                Files.setPosixFilePermissions(temporary, Files.exists(absolute) ? Files.getPosixFilePermissions(absolute)
                        : PosixFilePermissions.fromString("rw-r--r--"));
            } catch (UnsupportedOperationException e) {
                // not a POSIX file system: the temporary file keeps its default permissions
            }
            Files.writeString(temporary, text, StandardCharsets.UTF_8);
            try {
                Files.move(temporary, absolute, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temporary, absolute, StandardCopyOption.REPLACE_EXISTING);
            }
            temporary = null;
        } catch (IOException e) {
            throw new UsageException("cannot write --out " + file + ": " + e.getMessage());
        } finally {
            if (temporary != null) {
                try {
                    Files.deleteIfExists(temporary);
                } catch (IOException ignored) {
                    // the write failed already; that is the error reported
                }
            }
        }
    }
}
