package org.xencommlab.examples.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.xencommlab.examples.lab.ShardFile;
import org.xencommlab.examples.scenario.ScenarioCatalog;
import org.xencommlab.machine.wiring.PluginRegistry;

/**
 * {@code compare --shard I/N} and {@code merge}: a comparison sharded three ways merges into the
 * unsharded report byte for byte, in every format; bad shards are one line, exit code 2, and
 * leave no output file.
 */
final class TestMergeCommand {
    private static final PluginRegistry REGISTRY = PluginRegistry.discover();

    /** A small comparison that still has variants, two scenarios, several seeds, a sweep and a failure-free run. */
    private static final List<String> COMPARISON = List.of("--arch", "x86", "--strategy", "pointer",
            "--scenario", "balloon,memory-pressure", "--repeat", "3", "--sweep", "balloon-pages=16,64", "--raw",
            "--sensitivity", "--threads", "2");

    @TempDir
    static Path dir;

    private static String unshardedJson;
    private static final List<Path> SHARDS = new ArrayList<>();

    record Result(int code, String out, String err) {}

    private static Result run(List<String> args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = XencommLabCommand.commandLine(REGISTRY, new PrintWriter(out, true), new PrintWriter(err, true))
                .execute(args.toArray(String[]::new));
        return new Result(code, out.toString(), err.toString());
    }

    private static List<String> with(List<String> base, String... more) {
        List<String> args = new ArrayList<>(base);
        args.addAll(List.of(more));
        return args;
    }

    @BeforeAll
    static void shardThreeWays() {
        Result whole = run(with(List.of("compare"), COMPARISON.toArray(String[]::new)));
        assertThat(whole.code()).as(whole.err()).isZero();
        unshardedJson = run(with(with(List.of("compare"), COMPARISON.toArray(String[]::new)), "--format", "json")).out();
        for (int i = 0; i < 3; i++) {
            Path shard = dir.resolve("shard-" + i + ".json");
            Result result = run(with(with(List.of("compare"), COMPARISON.toArray(String[]::new)),
                    "--shard", i + "/3", "--out", shard.toString()));
            assertThat(result.code()).as(result.err()).isZero();
            assertThat(result.out()).contains("ran shard " + i + "/3");
            SHARDS.add(shard);
        }
    }

    private static List<String> merge(String... args) {
        return with(List.of("merge"), args);
    }

    private static String[] shardArgs(int... order) {
        List<String> args = new ArrayList<>();
        for (int i : order) {
            args.add(SHARDS.get(i).toString());
        }
        return args.toArray(String[]::new);
    }

    @Test
    void shardsMergedInAnyOrderGiveTheUnshardedReportByteForByte() {
        assertThat(unshardedJson).contains("\"sensitivity\"").contains("\"results\"").contains("balloon-pages");
        Result merged = run(with(merge(shardArgs(2, 0, 1)), "--format", "json"));
        assertThat(merged.code()).as(merged.err()).isZero();
        assertThat(merged.out()).isEqualTo(unshardedJson);
        assertThat(run(with(merge(shardArgs(0, 1, 2)), "--format", "json")).out()).isEqualTo(unshardedJson);
    }

    @ParameterizedTest
    @ValueSource(strings = {"table", "csv", "html"})
    void everyFormatIsTheUnshardedOne(String format) {
        String whole = run(with(with(List.of("compare"), COMPARISON.toArray(String[]::new)), "--format", format)).out();
        Result merged = run(with(merge(shardArgs(1, 2, 0)), "--format", format));
        assertThat(merged.code()).as(merged.err()).isZero();
        assertThat(merged.out()).isEqualTo(whole);
    }

    @Test
    void theMergedFileIsTheUnshardedFile() throws IOException {
        Path out = dir.resolve("merged.json");
        Result merged = run(with(merge(shardArgs(0, 1, 2)), "--out", out.toString()));
        assertThat(merged.code()).as(merged.err()).isZero();
        assertThat(merged.out()).contains("wrote json report to " + out);
        assertThat(Files.readString(out, StandardCharsets.UTF_8)).isEqualTo(unshardedJson);
    }

    @Test
    void oneShardOfOneIsTheWholeComparison() {
        Path only = dir.resolve("only.json");
        assertThat(run(with(with(List.of("compare"), COMPARISON.toArray(String[]::new)), "--shard", "0/1",
                "--out", only.toString())).code()).isZero();
        assertThat(run(merge(only.toString(), "--format", "json")).out()).isEqualTo(unshardedJson);
    }

    private void refused(Result result, String message, Path notWritten) {
        assertThat(result.code()).isEqualTo(XencommLabCommand.EXIT_USAGE);
        assertThat(result.err()).contains(message).doesNotContain("Exception").doesNotContain("\tat ");
        assertThat(result.err().strip().lines()).hasSize(1);
        if (notWritten != null) {
            assertThat(notWritten).doesNotExist();
        }
    }

    @Test
    void overlappingShardsAreRefused() throws IOException {
        Path copy = dir.resolve("copy-of-1.json");
        Files.copy(SHARDS.get(1), copy);
        Path out = dir.resolve("overlap.json");
        refused(run(with(merge(shardArgs(0, 1, 2)), copy.toString(), "--out", out.toString())),
                "are both shard 1/3 (overlapping shards)", out);
        refused(run(merge(shardArgs(0, 1, 1, 2))), "is given twice", null);
    }

    @Test
    void missingShardsAreRefused() {
        Path out = dir.resolve("missing.json");
        refused(run(with(merge(shardArgs(0, 2)), "--out", out.toString())), "missing shard 1/3", out);
    }

    @Test
    void shardsOfAnotherSplitAreRefused() {
        Path other = dir.resolve("half.json");
        assertThat(run(with(with(List.of("compare"), COMPARISON.toArray(String[]::new)), "--shard", "1/2",
                "--out", other.toString())).code()).isZero();
        refused(run(merge(SHARDS.get(0).toString(), other.toString())), "(every shard must be of the same N)", null);
    }

    @Test
    void shardsOfAnotherSeedAreRefused() {
        Path other = dir.resolve("seed-9.json");
        assertThat(run(with(with(List.of("compare"), COMPARISON.toArray(String[]::new)), "--seed", "9",
                "--shard", "2/3", "--out", other.toString())).code()).isZero();
        Path out = dir.resolve("seeds.json");
        refused(run(merge(SHARDS.get(0).toString(), SHARDS.get(1).toString(), other.toString(), "--out",
                out.toString())), "has seed 9 but", out);
    }

    @Test
    void shardsOfAnotherConfigurationSetAreRefused() {
        List<String> ppc = new ArrayList<>(COMPARISON);
        ppc.set(1, "ppc");
        Path other = dir.resolve("ppc.json");
        assertThat(run(with(with(List.of("compare"), ppc.toArray(String[]::new)), "--shard", "2/3",
                "--out", other.toString())).code()).isZero();
        refused(run(merge(SHARDS.get(0).toString(), SHARDS.get(1).toString(), other.toString())),
                "was written by another configuration set", null);
    }

    @Test
    void shardsOfAnotherComparisonAreRefused() {
        List<String> fewer = new ArrayList<>(COMPARISON);
        fewer.set(fewer.indexOf("--repeat") + 1, "2");
        Path other = dir.resolve("repeat-2.json");
        assertThat(run(with(with(List.of("compare"), fewer.toArray(String[]::new)), "--shard", "2/3",
                "--out", other.toString())).code()).isZero();
        refused(run(merge(SHARDS.get(0).toString(), SHARDS.get(1).toString(), other.toString())),
                "is a shard of another comparison", null);
    }

    @Test
    void shardsOfAnotherLabVersionAreRefused() {
        Map<Path, ShardFile> files = new LinkedHashMap<>();
        for (Path shard : SHARDS) {
            files.put(shard, MergeCommand.read(shard));
        }
        ShardFile first = files.get(SHARDS.get(0));
        Path older = dir.resolve("older.json");
        files.put(older, new ShardFile("0.0.1", first.seed(), first.definition(), first.results()));
        files.remove(SHARDS.get(0));
        org.assertj.core.api.Assertions.assertThatThrownBy(
                () -> MergeCommand.merge(files, REGISTRY, ScenarioCatalog.standard(), LabVersion.version()))
                .isInstanceOf(UsageException.class)
                .hasMessageContaining(older + " was written by xencomm-lab 0.0.1; this is " + LabVersion.version());
    }

    @Test
    void truncatedGarbledAndForeignFilesAreRefused() throws IOException {
        String text = Files.readString(SHARDS.get(2), StandardCharsets.UTF_8);
        Path cut = dir.resolve("cut.json");
        Files.writeString(cut, text.substring(0, text.length() / 2));
        Path out = dir.resolve("cut-merge.json");
        refused(run(with(merge(SHARDS.get(0).toString(), SHARDS.get(1).toString(), cut.toString()), "--out",
                out.toString())), cut + ": not a valid shard file", out);

        Path edited = dir.resolve("edited.json");
        Files.writeString(edited, text.replaceFirst("\"runs\" : (\\d+)", "\"runs\" : 1$1"));
        refused(run(merge(SHARDS.get(0).toString(), SHARDS.get(1).toString(), edited.toString())),
                "checksum does not match", null);

        Path report = dir.resolve("report.json");
        Files.writeString(report, unshardedJson);
        refused(run(merge(report.toString())), "it looks like a report", null);
        refused(run(merge(dir.resolve("absent.json").toString())), "no such file", null);
    }

    @ParameterizedTest
    @ValueSource(strings = {"3/3", "0/0", "a/b", "-1/3", "1/", "/3", "1/2/3", "x", "99999999999/3"})
    void badShardNumbersAreRefused(String shard) {
        Path out = dir.resolve("bad-shard.json");
        refused(run(List.of("compare", "--scenario", "balloon", "--shard", shard, "--out", out.toString())),
                "--shard", out);
    }

    @Test
    void aShardNeedsAFileAndNoFormat() {
        refused(run(List.of("compare", "--scenario", "balloon", "--shard", "0/2")), "give --out FILE", null);
        Path out = dir.resolve("formatted.json");
        refused(run(List.of("compare", "--scenario", "balloon", "--shard", "0/2", "--format", "csv", "--out",
                out.toString())), "--format does not apply to --shard", out);
    }
}
