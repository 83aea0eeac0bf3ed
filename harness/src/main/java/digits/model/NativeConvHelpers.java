package digits.model;

import java.lang.reflect.Field;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.layers.convolution.ConvolutionLayer;
import org.deeplearning4j.nn.layers.convolution.subsampling.SubsamplingLayer;
import org.deeplearning4j.nn.layers.mkldnn.MKLDNNConvHelper;
import org.deeplearning4j.nn.layers.mkldnn.MKLDNNSubsamplingHelper;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Routes convolution and max-pooling through libnd4j's native {@code conv2d}/{@code maxpool2d} ops
 * (oneDNN where the nd4j-native build has it) instead of DL4J's Java-side im2col + gemm.
 *
 * <p>Why by hand: DL4J 1.0.0-M2.1 decides whether to use these helpers by loading
 * {@code org.nd4j.nativeblas.Nd4jCpu$Environment}, a class that moved in M2.1, so the check always fails
 * and every convolution takes the slow path. The helpers compute the same function (the training loop's
 * unit tests compare both paths).
 */
public final class NativeConvHelpers {

    private NativeConvHelpers() {}

    /** True on the CPU backend, where the native ops exist; CUDA has its own (cuDNN) helpers. */
    public static boolean available() {
        return "CPU".equalsIgnoreCase(Nd4j.getExecutioner().getEnvironmentInformation().getProperty("backend"));
    }

    /** Installs the native helpers on every conv and pooling layer; returns how many layers it changed. */
    public static int install(MultiLayerNetwork net) {
        if (!available()) return 0;
        int changed = 0;
        for (Layer layer : net.getLayers()) {
            if (layer instanceof ConvolutionLayer) {
                set(layer, ConvolutionLayer.class, new MKLDNNConvHelper(net.getLayerWiseConfigurations().getDataType()));
                changed++;
            } else if (layer instanceof SubsamplingLayer) {
                set(layer, SubsamplingLayer.class,
                        new MKLDNNSubsamplingHelper(net.getLayerWiseConfigurations().getDataType()));
                changed++;
            }
        }
        return changed;
    }

    private static void set(Layer layer, Class<?> owner, Object helper) {
        try {
            Field f = owner.getDeclaredField("helper");
            f.setAccessible(true);
            f.set(layer, helper);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot install the native helper on " + layer.getClass().getName(), e);
        }
    }
}
