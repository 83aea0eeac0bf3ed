package digits.model;

import org.deeplearning4j.nn.conf.inputs.InputType;

/**
 * A sliding window over NCHW images (a convolution's kernel or a pooling window): the input's channels and size,
 * the window, stride and padding, and the output size in DL4J's Truncate mode (a partial window at the edge is
 * dropped).
 */
record Window(long c, long h, long w, long kh, long kw, long sh, long sw, long ph, long pw, long oh, long ow) {

    static Window of(InputType.InputTypeConvolutional in, int[] kernel, int[] stride, int[] padding) {
        long h = in.getHeight(), w = in.getWidth();
        return new Window(in.getChannels(), h, w, kernel[0], kernel[1], stride[0], stride[1], padding[0], padding[1],
                (h + 2L * padding[0] - kernel[0]) / stride[0] + 1, (w + 2L * padding[1] - kernel[1]) / stride[1] + 1);
    }

    long inputSize() {
        return c * h * w;
    }

    long[] strides() {
        return new long[] {sh, sw};
    }

    long[] kernel() {
        return new long[] {kh, kw};
    }

    long[] padding() {
        return new long[] {ph, pw};
    }
}
