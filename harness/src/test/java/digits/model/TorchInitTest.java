package digits.model;

import static org.assertj.core.api.Assertions.assertThat;

import digits.TestData;
import digits.spec.SpecCatalog;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.api.Layer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The five seed specs start from PyTorch's own initial weights, bit for bit: every parameter of every model
 * against the table that ../shared/reference/torch_init.md gives (first five values, last value and the sum of
 * all bit patterns, float32 bits in hex, as PyTorch 1.13 produced them after torch.manual_seed(12321)).
 */
class TorchInitTest {

    /** model | parameter | torch shape | first 5 | last | bitsum: copied from torch_init.md. */
    static final String TABLE = """
            mlp-baseline | 1.weight | 10x784 | 3cf1dd71 bbd8232e bd0f5985 3c28593c 3d07724d | 3b2347ee | bce9f365
            mlp-baseline | 1.bias | 10 | 3d0a7492 3bd50eae 3bf580ae bb9f3925 bd0fc376 | 3b871893 | d97909ec
            mlp-baseline | 3.weight | 10x10 | 3c226626 be3531af 3e12f5f1 3d8a1640 bce37ab0 | bd186560 | 1fdabed7
            mlp-baseline | 3.bias | 10 | 3e839e73 be9c9e06 be0f2caa 3e3ea042 be3ade46 | 3e1cfe44 | ed83e5a1
            mlp-128-leakyrelu | 1.weight | 128x784 | 3cf1dd71 bbd8232e bd0f5985 3c28593c 3d07724d | bd0a0f22 | f90c8589
            mlp-128-leakyrelu | 1.bias | 128 | 3b945325 bc8aecec 3c8566f5 3c0092f3 3c17fee0 | bbb98c81 | 30ec9ece
            mlp-128-leakyrelu | 3.weight | 10x128 | bd9209a0 bcf90558 3d9be777 3d4e3afa 3d48fd52 | 3da0bdb1 | 03a3a0ac
            mlp-128-leakyrelu | 3.bias | 10 | 3aba2666 3ca26e52 3cead5d8 3d78cf70 3da61063 | bb5d0f59 | 5eea6fcb
            cnn | 0.weight | 32x1x3x3 | 3e8d1682 bd7c290b bea73dc6 3dc4681b 3e9e055a | 3da7d880 | ae959e30
            cnn | 0.bias | 32 | bd8d2db6 3e231f4b 3ea216b4 be53ac93 be1b51f6 | 3e0f7cb3 | 43217d10
            cnn | 3.weight | 64x32x3x3 | bcc84efc 3d61c57d bc828c2a 3d2d6bd3 bd453b54 | bc4b803d | 4c12f6a9
            cnn | 3.bias | 64 | 3d191fd8 3cf2fa2a 3d560357 3d3e8818 3d582418 | 3d446382 | af077a06
            cnn | 7.weight | 128x1600 | bcb73095 bc42f1fa 3cca03c2 3ba37ba0 3b810b6d | bca3852d | 4bf5e737
            cnn | 7.bias | 128 | bcbe56f3 3cc5e41a 3972eb33 3cb5927f bcb11c9f | 3c11e0d0 | 0c929307
            cnn | 9.weight | 10x128 | 3d961abb bd708f9c bc11371f 3d071d22 bdb08760 | 3cb3c364 | e88edf9e
            cnn | 9.bias | 10 | bd8fa9a8 bcd926d5 ba8ec43a 3d838bb9 3d2d342e | 3d8e4071 | de9b0bef
            multi-digit-mlp | 1.weight | 64x1176 | 3cc57b60 bbb079b8 bcea16cc 3c0974be 3cdd2ee5 | ba38c50c | 710e4b94
            multi-digit-mlp | 1.bias | 64 | bb300bdf bce08c14 3c093b48 b99435e6 bc50dc8e | bc8fb56d | 878dc8ef
            multi-digit-mlp | 2.weight | 20x64 | bdd8201c 3d8c0e82 bde9351a 3dffcba6 3d4a2648 | 3bb002a0 | dc2ba130
            multi-digit-mlp | 2.bias | 20 | bd716da8 bcb2a8a8 3d9b07ce 3de3df44 bd9f35e8 | 3b72c5c0 | 48758582
            multi-digit-cnn | 0.weight | 32x1x4x4 | 3e53a1c2 bd3d1ec8 be7adca8 3d934e14 3e6d0806 | be2e89f8 | 84965f5a
            multi-digit-cnn | 0.bias | 32 | 3e50309e 3e027890 bdc0da00 bd8e1728 3e4c2a92 | 3cc31010 | b740e52a
            multi-digit-cnn | 3.weight | 64x32x4x4 | bcd1f3b4 bd23c526 3ccdcc45 3cf15e5c 3d21500c | bc87ff46 | 37c5e7ad
            multi-digit-cnn | 3.bias | 64 | bc171fd2 bca99b8f bcb02792 bbfa7625 3bc54df6 | bc78aa15 | 1abcc872
            multi-digit-cnn | 7.weight | 128x2048 | ba682c37 3b9713ef 3a1167de bc9b6db9 3b5cedef | bca978fc | 6dd3ad62
            multi-digit-cnn | 7.bias | 128 | 3c159e0a bb75b95e 3bdef58c bc4caa61 3b4d4d91 | bc6de2c9 | ffcb81a6
            multi-digit-cnn | 10.weight | 20x128 | 3d443450 3bf5cc1b 3c51566e bc1277aa 3d8141bf | bcbbaecd | c2df03c2
            multi-digit-cnn | 10.bias | 20 | 3d8d6b08 3d702a3d bcc446eb 3d25402d bd77be46 | 3cb92849 | 42855421
            """;

    record Expected(String param, long[] shape, int[] first5, int last, int bitsum) {}

    @BeforeAll
    static void setup() {
        Nd4jSetup.configure();
    }

    static Map<String, List<Expected>> table() {
        Map<String, List<Expected>> out = new LinkedHashMap<>();
        for (String line : TABLE.strip().split("\n")) {
            String[] f = line.split("\\|");
            String[] dims = f[2].strip().split("x");
            long[] shape = new long[dims.length];
            for (int i = 0; i < dims.length; i++) shape[i] = Long.parseLong(dims[i]);
            String[] first = f[3].strip().split(" ");
            int[] first5 = new int[5];
            for (int i = 0; i < 5; i++) first5[i] = Integer.parseUnsignedInt(first[i], 16);
            out.computeIfAbsent(f[0].strip(), k -> new ArrayList<>()).add(new Expected(f[1].strip(), shape, first5,
                    Integer.parseUnsignedInt(f[4].strip(), 16), Integer.parseUnsignedInt(f[5].strip(), 16)));
        }
        return out;
    }

    @Test
    void firstOutputsOfTheGeneratorAreTorchsForSeed12321() {
        TorchGenerator g = new TorchGenerator(12321);
        int[] expected = {0x2ee9d0e1, 0x7c685c27, 0xcc0291ac, 0xf4a4d385, 0x0cf68403};
        for (int e : expected) assertThat(Integer.toHexString(g.random())).isEqualTo(Integer.toHexString(e));
        // torch.manual_seed takes the seed's low 32 bits for MT19937
        assertThat(new TorchGenerator(12321L + (1L << 32)).random()).isEqualTo(0x2ee9d0e1);
    }

    @Test
    void everyParameterOfTheFiveSeedModelsIsBitIdenticalToPyTorchs() {
        SpecCatalog catalog = SpecCatalog.scan(TestData.experiments());
        Map<String, List<Expected>> table = table();
        assertThat(table).hasSize(5);
        int checked = 0;
        for (var model : table.entrySet()) {
            DigitsNetwork net = NetworkFactory.build(catalog.load(model.getKey()));
            assertThat(net.torchGenerator()).as(model.getKey() + " draws from torch's generator").isNotNull();
            List<Expected> want = model.getValue();
            List<float[]> got = new ArrayList<>();      // torch's layout: weight [out, in(, kh, kw)] row-major, bias
            List<float[]> flat = new ArrayList<>();     // the same parameters as they lie in DL4J's flat vector
            float[] all = net.params().dup().data().asFloat();
            long total = 0;
            for (Layer layer : net.getLayers()) {
                if (layer.numParams() == 0) continue;
                INDArray w = layer.paramTable().get("W");
                INDArray b = layer.paramTable().get("b");
                INDArray torchW = w.rank() == 4 ? w : w.transpose(); // DL4J's dense W is [in, out]
                got.add(torchW.dup('c').data().asFloat());
                got.add(b.dup('c').data().asFloat());
                // W and b are views into the network's one parameter buffer (a conv layer keeps b before W there)
                for (INDArray p : new INDArray[] {w, b}) {
                    int at = (int) (p.offset() - net.params().offset());
                    flat.add(java.util.Arrays.copyOfRange(all, at, at + (int) p.length()));
                    total += p.length();
                }
                long[] shape = w.rank() == 4 ? w.shape() : new long[] {w.size(1), w.size(0)};
                assertThat(shape).as(model.getKey() + " " + want.get(got.size() - 2).param() + " shape")
                        .containsExactly(want.get(got.size() - 2).shape());
            }
            assertThat(total).isEqualTo(net.numParams());
            assertThat(got).as(model.getKey() + " parameter count").hasSize(want.size());
            for (int i = 0; i < want.size(); i++) {
                Expected e = want.get(i);
                String what = model.getKey() + " " + e.param();
                assertBits(what, got.get(i), e);
                // DL4J's flat order (dense W in 'f' order of [in, out]) is torch's row-major [out, in]
                assertBits(what + " in the flat parameter vector", flat.get(i), e);
                checked++;
            }
        }
        assertThat(checked).isEqualTo(28);
    }

    private static void assertBits(String what, float[] values, Expected e) {
        int[] first5 = new int[5];
        int bitsum = 0;
        for (int i = 0; i < values.length; i++) {
            int bits = Float.floatToRawIntBits(values[i]);
            if (i < 5) first5[i] = bits;
            bitsum += bits; // wraps: the sum mod 2^32
        }
        assertThat(hex(first5)).as(what + " first 5").isEqualTo(hex(e.first5()));
        assertThat(hex(Float.floatToRawIntBits(values[values.length - 1]))).as(what + " last")
                .isEqualTo(hex(e.last()));
        assertThat(hex(bitsum)).as(what + " bitsum").isEqualTo(hex(e.bitsum()));
    }

    private static String hex(int... v) {
        StringBuilder sb = new StringBuilder();
        for (int x : v) sb.append(String.format("%08x ", x));
        return sb.toString().strip();
    }

    @Test
    void theNd4jGeneratorStaysAvailable() {
        SpecCatalog catalog = SpecCatalog.scan(TestData.experiments());
        var spec = catalog.load("mlp-baseline");
        var nd4j = new digits.spec.ExperimentSpec(spec.name(), spec.description(), spec.dataset(), spec.model(),
                new digits.spec.TrainingSpec(spec.training().optimizer(), spec.training().batchSize(),
                        spec.training().epochs(), spec.training().seed(), spec.training().weightInit(), "nd4j"),
                spec.acceptance(), spec.reference());
        DigitsNetwork net = NetworkFactory.build(nd4j);
        assertThat(net.torchGenerator()).isNull();
        INDArray w = net.getLayer(0).paramTable().get("W");
        assertThat(Float.floatToRawIntBits(w.transpose().dup('c').getFloat(0))).isNotEqualTo(0x3cf1dd71);
        assertThat(w.amaxNumber().doubleValue()).isLessThanOrEqualTo(1 / Math.sqrt(784));
    }
}
