package org.xencommlab.api.plugin;

/**
 * The version of the plugin SPI: {@link ArchPlugin}, {@link org.xencommlab.api.abi.StrategyPlugin}
 * and every api type they reach. A plugin jar loaded from a plugins folder must say in its manifest,
 * under {@link #MANIFEST_ATTRIBUTE}, the version it was compiled against; the lab loads it only if
 * that equals {@link #CURRENT}, and otherwise refuses the whole folder with one line naming both
 * versions (a jar built against another SPI would fail later with a linkage error, or worse, run
 * with a contract it does not keep).
 *
 * <p>The version is raised whenever a change to the SPI can break a plugin compiled against the
 * previous one: a method added without a default, a signature or a contract changed. The number
 * is also the parent pom's {@code xencomm-lab.spi.version} property, which the arch and strategy
 * modules write into their jars' manifests; a test in the composition root holds the two equal.
 */
public final class SpiVersion {
    /** The SPI version this build of the lab implements. */
    public static final int CURRENT = 1;

    /** The jar-manifest main attribute in which a plugin jar names the SPI version it was built against. */
    public static final String MANIFEST_ATTRIBUTE = "Xencomm-Lab-SPI-Version";

    private SpiVersion() {}
}
