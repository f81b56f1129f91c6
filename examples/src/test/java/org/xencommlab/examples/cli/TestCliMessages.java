package org.xencommlab.examples.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xencommlab.examples.cli.TestCommandLine.Result;

/** Each message a newcomer met (issue "what a newcomer tripped on"): one line, exit 2, saying what is wrong. */
final class TestCliMessages {
    private static void assertUsageError(Result result, String... expected) {
        assertThat(result.code()).as(result.err()).isEqualTo(2);
        assertThat(result.err()).contains(expected).doesNotContain("\tat ").doesNotContain("Exception");
        assertThat(result.err().lines().count()).as(result.err()).isEqualTo(1);
        assertThat(result.out()).isEmpty();
    }

    private static Result runBalloon(String... more) {
        String[] args = new String[6 + more.length];
        System.arraycopy(new String[] {"run", "--arch", "x86", "--strategy", "pointer", "--scenario"}, 0, args, 0, 6);
        System.arraycopy(more, 0, args, 6, more.length);
        return TestCommandLine.run(args);
    }

    @Test
    void balloonPagesStopWhereTheMachineStops() {
        assertUsageError(runBalloon("balloon", "--set", "balloon-pages=244737"),
                "bad value '244737' for balloon-pages; valid: an integer from 1 to 244736");

        Result largest = runBalloon("balloon", "--set", "balloon-pages=244736");

        assertThat(largest.code()).as(largest.err()).isZero();
        assertThat(largest.out()).contains("outcome", "ok").doesNotContain("FAILED");
    }

    @Test
    void listShowsEveryNumbersRange() {
        Result list = TestCommandLine.run("list");

        assertThat(list.code()).isZero();
        assertThat(list.out()).contains("--set balloon-pages=<1..244736> (default 4096)", "--set domains=<0..500> (default 40)",
                "--set max-registrations=<", "--set buffers=<mlock|unlocked|device>");
        assertThat(list.out()).doesNotContain("=<n>");
    }

    @Test
    void aBadScenarioValueGetsNoArchOrStrategyHint() {
        Result result = TestCommandLine.run("compare", "--scenario", "balloon", "--set", "balloon-pages=0", "--no-sweep");

        assertUsageError(result, "scenario balloon: bad value '0' for balloon-pages; valid: an integer from 1 to 244736");
        assertThat(result.err()).doesNotContain("--arch");
    }

    @Test
    void aSetWithoutValueSaysSoOnce() {
        Result result = runBalloon("balloon", "--set", "balloon-pages");

        assertThat(result.code()).isEqualTo(2);
        assertThat(result.err()).contains("--set balloon-pages has no value; write --set balloon-pages=VALUE")
                .doesNotContain("option option");
    }

    @Test
    void aScenarioKeyOfAnotherScenarioNamesTheScenariosThatHaveIt() {
        assertUsageError(runBalloon("balloon", "--set", "domains=5"),
                "unknown setting 'domains' for x86/pointer/balloon; it is a parameter of scenario unknown-size"
                        + " (add --scenario unknown-size)");
        assertUsageError(TestCommandLine.run("compare", "--scenario", "balloon", "--set", "domains=5"),
                "it is a parameter of scenario unknown-size");
    }

    @Test
    void costModelFilesThatAreMissingNotUtf8OrOverflowingAreRefused(@TempDir Path dir) throws Exception {
        Path latin1 = dir.resolve("costs.properties");
        Files.write(latin1, "# co\u00fbts\nguestSyscallNanos = 170\n".getBytes(StandardCharsets.ISO_8859_1));
        Path huge = dir.resolve("huge.json");
        Files.writeString(huge, "{ \"hypervisorEntryNanos\": 1e300 }");
        Path slow = dir.resolve("slow.properties");
        Files.writeString(slow, "copyGigabytesPerSecond = 1e-12\n");

        assertUsageError(TestCommandLine.run("compare", "--cost-model", dir.resolve("nope.json").toString()),
                "cannot read cost model", "nope.json: no such file");
        assertUsageError(TestCommandLine.run("compare", "--cost-model", latin1.toString()),
                "it is not UTF-8 text");
        assertUsageError(TestCommandLine.run("compare", "--cost-model", huge.toString()),
                "hypervisorEntryNanos = 1E+300 is out of range: it would overflow modelledNanos; valid: at most 1000000000 ns");
        assertUsageError(TestCommandLine.run("compare", "--cost-model", slow.toString()),
                "copyGigabytesPerSecond = 1e-12 is out of range", "at least 0.001 GB/s");
    }

    @Test
    void anOutFileThatCannotBeCreatedFailsBeforeAnyRun() {
        Result result = TestCommandLine.run("compare", "--out", "/proc/xencomm-lab-report.html");

        assertUsageError(result, "cannot write --out /proc/xencomm-lab-report.html: ");
        assertThat(result.err()).containsAnyOf("no file can be created there", "permission denied", "Read-only file system")
                .doesNotContain(": /proc/xencomm-lab-report.html");
    }

    @Test
    void anOutFileWithAnUnknownExtensionIsRefused(@TempDir Path dir) {
        Path xml = dir.resolve("r.xml");

        assertUsageError(TestCommandLine.run("compare", "--out", xml.toString()),
                "cannot tell the format of --out " + xml + " from its extension; name it .txt, .json, .csv, .html,"
                        + " or give --format table|json|csv|html");
        assertThat(xml).doesNotExist();
    }

    @Test
    void runPrintsItsOneRunWithoutComparisonHeaderOrMissingScenarioParagraphs() {
        Result result = runBalloon("balloon");

        assertThat(result.code()).isZero();
        assertThat(result.out()).startsWith("xencomm-lab ").contains(" run: x86/pointer, scenario balloon, seed 1", "== balloon")
                .doesNotContain("comparison").doesNotContain("No results for scenario");
    }

    @Test
    void abiColumnsAlignOnLongFieldNames() {
        Result result = TestCommandLine.run("abi", "xen_sysctl_getdomaininfolist");

        assertThat(result.code()).isZero();
        String[] lines = result.out().split("\n");
        int headerOffsetEnd = -1;
        for (String line : lines) {
            if (line.startsWith("    field ")) {
                headerOffsetEnd = line.indexOf("offset") + "offset".length();
            } else if (line.startsWith("    ") && headerOffsetEnd > 0 && !line.startsWith("    total")) {
                assertThat(line.length()).as(line).isGreaterThan(headerOffsetEnd);
                assertThat(line.charAt(headerOffsetEnd - 1)).as("offset column of: " + line).isBetween('0', '9');
                assertThat(line.charAt(headerOffsetEnd)).as("after the offset column of: " + line).isEqualTo(' ');
            } else if (line.startsWith("  ")) {
                headerOffsetEnd = -1;
            }
        }
        assertThat(result.out()).contains("u.getdomaininfolist.first_domain");
    }
}
