// Pictures for digits:predict: a "1" as dark ink on white paper (PNG), a "0" as light ink on black (JPEG), a
// text file beside them (skipped: not an image suffix), and a folder holding the "1" and a text file named .png.
import java.awt.image.BufferedImage
import javax.imageio.ImageIO

File pictures = new File(basedir, 'pictures')
pictures.mkdirs()
def draw = { int w, int h, int paper, int ink, Closure inked ->
    BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_BYTE_GRAY)
    for (int y = 0; y < h; y++) for (int x = 0; x < w; x++) img.raster.setSample(x, y, 0, inked(x, y) ? ink : paper)
    img
}
ImageIO.write(draw(60, 90, 255, 0) { x, y -> x >= 27 && x < 35 && y >= 10 && y < 80 }, 'png', new File(pictures, 'one.png'))
ImageIO.write(draw(120, 120, 0, 255) { x, y ->
    double r = Math.hypot((x - 60) / 30.0, (y - 60) / 45.0); r > 0.8 && r < 1.0 }, 'jpg', new File(pictures, 'zero.jpg'))
new File(pictures, 'notes.txt').text = 'not a picture\n'
File mixed = new File(basedir, 'mixed')
mixed.mkdirs()
new File(mixed, 'one.png').bytes = new File(pictures, 'one.png').bytes
new File(mixed, 'notes.png').text = 'not a picture\n'
return true
