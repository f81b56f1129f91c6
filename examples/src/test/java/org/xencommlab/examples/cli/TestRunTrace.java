package org.xencommlab.examples.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xencommlab.examples.cli.TestCommandLine.Result;

/** {@code run --trace FILE}: a Chrome trace-event file, its JSONL form, and standard output kept clean. */
final class TestRunTrace {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void aTraceFileIsTraceEventJsonWithNestedSlicesAndStdoutStaysJson(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("balloon.json");

        Result result = TestCommandLine.run("run", "--arch", "x86", "--strategy", "pointer", "--scenario", "balloon",
                "--trace", file.toString(), "--format", "json");

        assertThat(result.code()).isZero();
        assertThat(JSON.readTree(result.out()).get("results")).isNotNull();
        JsonNode root = JSON.readTree(Files.readString(file, StandardCharsets.UTF_8));
        JsonNode events = root.get("traceEvents");
        assertThat(events.isArray()).isTrue();
        assertThat(events.size()).isGreaterThan(10);
        long lastTs = -1;
        Map<String, Deque<String>> open = new HashMap<>();
        int hypercalls = 0;
        int continuations = 0;
        int instants = 0;
        for (JsonNode event : events) {
            String ph = event.get("ph").asText();
            assertThat(event.get("pid").isInt()).isTrue();
            assertThat(event.get("tid").isInt()).isTrue();
            if (ph.equals("M")) {
                continue;
            }
            long ts = event.get("ts").asLong();
            assertThat(ts).isGreaterThanOrEqualTo(lastTs);
            lastTs = ts;
            String track = event.get("pid").asInt() + "/" + event.get("tid").asInt();
            switch (ph) {
                case "B" -> {
                    open.computeIfAbsent(track, t -> new ArrayDeque<>()).push(event.get("name").asText());
                    if (event.get("cat").asText().equals("hypercall")) {
                        hypercalls++;
                    } else if (event.get("cat").asText().equals("continuation")) {
                        continuations++;
                    }
                }
                case "E" -> {
                    Deque<String> stack = open.get(track);
                    assertThat(stack).as("an E closes an open slice on its track").isNotEmpty();
                    stack.pop();
                }
                case "i" -> instants++;
                default -> throw new AssertionError("unexpected phase " + ph);
            }
        }
        assertThat(open.values()).allSatisfy(stack -> assertThat(stack).isEmpty());
        assertThat(hypercalls).isPositive();
        assertThat(continuations).as("ballooning 4096 pages is preempted").isPositive();
        assertThat(instants).isPositive();
        assertThat(root.get("otherData").get("run").asText()).contains("x86/pointer", "balloon", "seed 1");
    }

    @Test
    void jsonlHoldsTheSameEventsOnePerLineAndEqualRunsWriteEqualFiles(@TempDir Path dir) throws Exception {
        Path chrome = dir.resolve("a.json");
        Path lines = dir.resolve("a.jsonl");
        Path again = dir.resolve("b.jsonl");
        String[] common = {"run", "--arch", "ppc", "--strategy", "pointer", "--scenario", "unknown-size"};

        assertThat(TestCommandLine.run(concat(common, "--trace", chrome.toString())).code()).isZero();
        assertThat(TestCommandLine.run(concat(common, "--trace", lines.toString(), "--trace-format", "jsonl")).code()).isZero();
        assertThat(TestCommandLine.run(concat(common, "--trace", again.toString(), "--trace-format", "jsonl")).code()).isZero();

        List<String> jsonl = Files.readAllLines(lines, StandardCharsets.UTF_8);
        JsonNode events = JSON.readTree(chrome.toFile()).get("traceEvents");
        assertThat(jsonl).hasSize(events.size());
        for (int i = 0; i < jsonl.size(); i++) {
            assertThat(JSON.readTree(jsonl.get(i))).isEqualTo(events.get(i));
        }
        assertThat(Files.readString(again)).isEqualTo(Files.readString(lines));
        assertThat(jsonl).anySatisfy(line -> assertThat(line).contains("\"cat\":\"registration\""));
    }

    @Test
    void scheduledKillsAppearAsSchedulingInstantsBeforeTheKill(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("death.json");

        TestCommandLine.run("run", "--arch", "ppc", "--strategy", "pointer", "--scenario", "process-death",
                "--trace", file.toString());

        List<String> names = new java.util.ArrayList<>();
        for (JsonNode event : JSON.readTree(file.toFile()).get("traceEvents")) {
            if (event.get("ph").asText().equals("i")) {
                names.add(event.get("cat").asText() + ": " + event.get("name").asText());
            }
        }
        int schedule = -1;
        for (int i = 0; i < names.size(); i++) {
            if (names.get(i).startsWith("schedule: point ") && names.get(i).contains("1 scheduled task")) {
                schedule = i;
                break;
            }
        }
        assertThat(schedule).as("a scheduling point that ran a kill").isNotNegative();
        assertThat(names.subList(schedule + 1, names.size())).anySatisfy(name -> assertThat(name).startsWith("process: kill"));
    }

    @Test
    void aTextTraceOnStdoutIsRefusedWhenStdoutCarriesJson() {
        Result json = TestCommandLine.run("run", "--arch", "x86", "--strategy", "pointer", "--scenario", "balloon",
                "--trace", "--format", "json");
        Result format = TestCommandLine.run("run", "--arch", "x86", "--strategy", "pointer", "--scenario", "balloon",
                "--trace-format", "jsonl");
        Result unknown = TestCommandLine.run("run", "--arch", "x86", "--strategy", "pointer", "--scenario", "balloon",
                "--trace", "t.json", "--trace-format", "perfetto");

        assertThat(json.code()).isEqualTo(2);
        assertThat(json.err()).contains("give --trace FILE");
        assertThat(json.out()).isEmpty();
        assertThat(format.err()).contains("--trace-format needs --trace FILE");
        assertThat(unknown.err()).contains("unknown trace format 'perfetto'; valid: chrome, jsonl, text");
    }

    @Test
    void aTextTraceStillPrintsBeforeTheTable() {
        Result result = TestCommandLine.run("run", "--arch", "x86", "--strategy", "pointer", "--scenario", "balloon",
                "--trace");

        assertThat(result.code()).isZero();
        assertThat(result.out()).contains("hypercall", "continuation", "memory_op");
        assertThat(result.out().indexOf("continuation")).isLessThan(result.out().indexOf("outcome"));
    }

    @Test
    void anUnwritableTraceFileIsRefusedBeforeTheRun(@TempDir Path dir) {
        Result result = TestCommandLine.run("run", "--arch", "x86", "--strategy", "pointer", "--scenario", "balloon",
                "--trace", dir.resolve("missing/t.json").toString());

        assertThat(result.code()).isEqualTo(2);
        assertThat(result.err()).contains("cannot write --trace", "no such directory");
        assertThat(result.out()).isEmpty();
    }

    private static String[] concat(String[] head, String... tail) {
        String[] all = new String[head.length + tail.length];
        System.arraycopy(head, 0, all, 0, head.length);
        System.arraycopy(tail, 0, all, head.length, tail.length);
        return all;
    }
}
