package org.xencommlab.examples.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.xencommlab.examples.cost.CostModel;
import org.xencommlab.examples.cost.CostModelException;
import org.xencommlab.examples.cost.CostModelLoader;
import org.xencommlab.examples.cost.MetricCatalog;
import org.xencommlab.examples.report.ReportFormat;
import org.xencommlab.machine.wiring.PluginRegistry;

/** Checks and file handling shared by the commands; every problem is one line, exit code 2. */
final class CliSupport {
    private CliSupport() {}

    /** The output format: named, or from the file's extension, or the table. */
    static ReportFormat format(String name, Path out) {
        if (name != null) {
            try {
                return ReportFormat.fromCliName(name);
            } catch (IllegalArgumentException e) {
                throw new UsageException(e.getMessage());
            }
        }
        if (out != null) {
            checkWritable(out);
            String file = out.getFileName() == null ? "" : out.getFileName().toString().toLowerCase(Locale.ROOT);
            List<String> extensions = new ArrayList<>();
            List<String> names = new ArrayList<>();
            for (ReportFormat format : ReportFormat.values()) {
                if (file.endsWith("." + format.extension()) || (format == ReportFormat.HTML && file.endsWith(".htm"))) {
                    return format;
                }
                extensions.add("." + format.extension());
                names.add(format.cliName());
            }
            throw new UsageException("cannot tell the format of --out " + out + " from its extension; name it "
                    + String.join(", ", extensions) + ", or give --format " + String.join("|", names));
        }
        return ReportFormat.TABLE;
    }

    /**
     * The cost model: the defaults, or the user's file over them, over the metrics and costs the
     * core and every plugin of {@code registry} declare (a plugins-folder plugin's too).
     */
    static CostModel costModel(Path file, PluginRegistry registry) {
        MetricCatalog catalog = catalog(registry);
        if (file == null) {
            return CostModel.defaults(catalog);
        }
        try {
            return CostModelLoader.load(file, catalog);
        } catch (CostModelException e) {
            throw new UsageException(e.getMessage());
        }
    }

    /** Fails before any work is done if {@code out} cannot be written. */
    static void checkWritable(Path out) {
        checkWritable(out, "--out");
    }

    /** Fails before any work is done if {@code file}, given with {@code option}, cannot be written. */
    static void checkWritable(Path file, String option) {
        if (file == null) {
            return;
        }
        Path absolute = file.toAbsolutePath();
        Path parent = absolute.getParent();
        if (Files.isDirectory(absolute)) {
            throw new UsageException("cannot write " + option + " " + file + ": it is a directory");
        }
        if (parent == null || !Files.isDirectory(parent)) {
            throw new UsageException("cannot write " + option + " " + file + ": no such directory " + parent);
        }
        if (Files.exists(absolute) ? !Files.isWritable(absolute) : !Files.isWritable(parent)) {
            throw new UsageException("cannot write " + option + " " + file + ": permission denied");
        }
        // Permissions do not tell everything (root in /sys, a read-only mount): open the file for
        // writing now, as the run's end will, and remove it again if it was not there before.
        boolean existed = Files.exists(absolute);
        try {
            Files.newOutputStream(absolute, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.APPEND).close();
            if (!existed) {
                Files.delete(absolute);
            }
        } catch (IOException | SecurityException e) {
            String why;
            if (e instanceof AccessDeniedException) {
                why = "permission denied";
            } else if (e instanceof NoSuchFileException) {
                why = "no file can be created there";
            } else if (e instanceof FileSystemException fs && fs.getReason() != null) {
                why = fs.getReason();
            } else {
                why = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
            }
            throw new UsageException("cannot write " + option + " " + file + ": " + why);
        }
    }

    static void write(Path out, String text) {
        try {
            Files.writeString(out, text, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UsageException("cannot write --out " + out + ": " + e.getMessage());
        }
    }

    /** The metrics and costs the core and every plugin of {@code registry} declare. */
    static MetricCatalog catalog(PluginRegistry registry) {
        try {
            return MetricCatalog.of(registry.archs().values(), registry.strategies().values());
        } catch (IllegalArgumentException e) {
            // Two plugins declaring one name, or a cost on a counter nobody declares: one line, exit 2.
            throw new UsageException(e.getMessage());
        }
    }
}
