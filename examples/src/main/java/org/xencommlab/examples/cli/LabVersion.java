package org.xencommlab.examples.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;
import picocli.CommandLine;

/** The lab's version, from the build. */
public final class LabVersion implements CommandLine.IVersionProvider {
    /** The version the build wrote into {@code version.properties}. */
    public static String version() {
        Properties properties = new Properties();
        try (InputStream in = LabVersion.class.getResourceAsStream("/org/xencommlab/examples/version.properties")) {
            if (in == null) {
                return "unknown";
            }
            properties.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return properties.getProperty("version", "unknown");
    }

    @Override
    public String[] getVersion() {
        return new String[] {"xencomm-lab " + version(), "Java " + Runtime.version()};
    }
}
