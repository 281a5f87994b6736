package io.jrun.core.image;

import io.jrun.core.JrunException;

/** An image that cannot be used: the message is one complete sentence naming the image, blob or entry. */
public final class ImageException extends JrunException {
    public ImageException(String message) {
        super(message);
    }

    public ImageException(String message, Throwable cause) {
        super(message, cause);
    }
}
