package org.xencommlab.guest.xenstore;

/** What a {@link XenStore} watch calls when a node at or below its path is written. */
@FunctionalInterface
public interface XenStoreWatcher {
    /**
     * @param path the node written
     * @param value its new value
     */
    void changed(String path, String value);
}
