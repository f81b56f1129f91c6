package org.xencommlab.examples.cli;

import java.io.PrintWriter;
import java.util.List;
import java.util.Optional;
import org.xencommlab.api.abi.catalog.AbiCatalog;
import org.xencommlab.api.abi.layout.AbiForm;
import org.xencommlab.api.abi.layout.AbiStructure;
import org.xencommlab.api.abi.layout.Field;
import org.xencommlab.api.abi.layout.StructLayout;
import org.xencommlab.machine.wiring.UnknownNameException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code xencomm-lab abi [NAME]}: every structure's byte layout in pointer and embedded form. */
@Command(name = "abi", mixinStandardHelpOptions = true,
        description = "Print the byte layout (field, offset, size; total) of every hypercall structure, or of NAME,"
                + " in pointer form (Xen's public headers, x86-64) and embedded form, side by side in turn.")
final class AbiCommand implements Runnable {
    @Parameters(arity = "0..1", paramLabel = "NAME", description = "One structure; valid names: ${COMPLETION-CANDIDATES}",
            completionCandidates = StructureNames.class)
    private String name;

    @Spec
    private CommandSpec spec;

    @Override
    public void run() {
        PrintWriter out = spec.commandLine().getOut();
        List<AbiStructure> structures;
        if (name == null) {
            structures = AbiCatalog.structures();
        } else {
            Optional<AbiStructure> found = AbiCatalog.find(name);
            if (found.isEmpty()) {
                throw new UnknownNameException("structure", name, AbiCatalog.names());
            }
            structures = List.of(found.get());
        }
        for (AbiStructure structure : structures) {
            out.printf("%s: %s%n", structure.name(), structure.description());
            for (AbiForm form : AbiForm.values()) {
                Optional<StructLayout> layout = structure.layout(form);
                if (layout.isEmpty()) {
                    out.printf("  %s form: none%n", form.label());
                    continue;
                }
                StructLayout l = layout.get();
                if (l.usedBytes() != l.size()) {
                    out.printf("  %s form (%d bytes, C sizeof; %d used; aligned to %d):%n", form.label(), l.size(),
                            l.usedBytes(), l.alignment());
                } else {
                    out.printf("  %s form (%d bytes, aligned to %d):%n", form.label(), l.size(), l.alignment());
                }
                // The name column is as wide as the longest name of this layout, so columns align.
                int nameWidth = "field".length();
                for (Field field : layout.get().fields()) {
                    nameWidth = Math.max(nameWidth, field.name().length());
                }
                String header = "    %-" + nameWidth + "s %6s %6s  %-8s %s%n";
                String row = "    %-" + nameWidth + "s %6d %6s  %-8s %s%n";
                out.print(String.format(header, "field", "offset", "size", "kind", "note").stripTrailing() + "\n");
                for (Field field : layout.get().fields()) {
                    out.print(String.format(row, field.name(), field.offset(),
                            field.isVariable() ? "n*" + field.size() : Integer.toString(field.size()),
                            field.kind().label(), field.note() == null ? "" : field.note()).stripTrailing() + "\n");
                }
                out.printf("    %-" + nameWidth + "s %6s %6d%n", "total", "", l.size());
                if (l.usedBytes() != l.size()) {
                    out.print(String.format(row.replace("%6d", "%6s"), "used", "", l.usedBytes(), "",
                            "bytes the hypervisor copies; the rest of sizeof is not read or written").stripTrailing() + "\n");
                }
            }
            out.println();
        }
        out.flush();
    }

    /** Structure names for the help text. */
    static final class StructureNames implements Iterable<String> {
        @Override
        public java.util.Iterator<String> iterator() {
            return AbiCatalog.names().iterator();
        }
    }
}
