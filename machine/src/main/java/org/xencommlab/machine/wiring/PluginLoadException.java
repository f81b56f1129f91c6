package org.xencommlab.machine.wiring;

/**
 * The plugins folder could not be loaded: a file in it that is not a jar or not a plugin, two
 * plugins with one name, a plugin built against another SPI version, a plugin class that fails to
 * load. Its message is one line naming the file and what is wrong, fit to print as it is; when it
 * is thrown nothing of the folder stays loaded.
 */
public final class PluginLoadException extends RuntimeException {
    public PluginLoadException(String message) {
        super(message, null, false, false);
    }
}
