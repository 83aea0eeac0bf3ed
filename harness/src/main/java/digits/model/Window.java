package digits.model;

import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.inputs.InputType;

/**
 * A sliding window over NCHW images (a convolution's kernel or a pooling window): the input's channels and size,
 * the window, stride, the padding before ({@code ph}, {@code pw}) and after ({@code phEnd}, {@code pwEnd}) the image,
 * and the output size. In DL4J's Truncate mode a partial window at the edge is dropped and the padding is the same on
 * both sides; in its Same mode (stride 1 here) the output is as large as the input and an even window pads one pixel
 * more after than before, as torch's {@code padding='same'}.
 */
record Window(long c, long h, long w, long kh, long kw, long sh, long sw, long ph, long pw, long phEnd, long pwEnd,
              long oh, long ow) {

    static Window of(InputType.InputTypeConvolutional in, int[] kernel, int[] stride, int[] padding) {
        return of(in, kernel, stride, padding, ConvolutionMode.Truncate);
    }

    static Window of(InputType.InputTypeConvolutional in, int[] kernel, int[] stride, int[] padding,
                     ConvolutionMode mode) {
        long h = in.getHeight(), w = in.getWidth();
        if (mode == ConvolutionMode.Same) {
            if (stride[0] != 1 || stride[1] != 1) throw new IllegalArgumentException("Same mode with a stride");
            long ph = (kernel[0] - 1) / 2, pw = (kernel[1] - 1) / 2;
            return new Window(in.getChannels(), h, w, kernel[0], kernel[1], 1, 1, ph, pw, kernel[0] - 1 - ph,
                    kernel[1] - 1 - pw, h, w);
        }
        return new Window(in.getChannels(), h, w, kernel[0], kernel[1], stride[0], stride[1], padding[0], padding[1],
                padding[0], padding[1], (h + 2L * padding[0] - kernel[0]) / stride[0] + 1,
                (w + 2L * padding[1] - kernel[1]) / stride[1] + 1);
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

    long[] paddingEnd() {
        return new long[] {phEnd, pwEnd};
    }
}
