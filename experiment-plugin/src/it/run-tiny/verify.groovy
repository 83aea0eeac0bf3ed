// The run wrote one report folder with a completed, passing report.json, and `latest` points at it.
import groovy.json.JsonSlurper

File runs = new File(basedir, 'reports/tiny')
def dirs = runs.listFiles().findAll { it.isDirectory() && !it.name.startsWith('.') && it.name != 'latest' }
assert dirs.size() == 1 : "expected one run folder in ${runs}, found ${dirs*.name}"
def report = new JsonSlurper().parse(new File(dirs[0], 'report.json'))
assert report.status == 'completed'
assert report.passed == true
assert report.epochs.size() == 2
assert report.test.accuracy[0] > 0.6
assert report.data.sha256['train-images-idx3-ubyte'] == 'ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db'
assert new File(dirs[0], 'model.zip').length() > 0
assert new File(runs, 'latest/report.json').exists()

// the run's page, escaped, with its gallery images beside it; the index links to it
String html = new File(dirs[0], 'report.html').text
assert html.contains('Tiny MLP &lt;b&gt;smoke&lt;/b&gt; run') && !html.contains('<b>smoke</b>')
assert new File(dirs[0], 'misclassified').listFiles().findAll { it.name.endsWith('.png') }.size() > 0
String index = new File(basedir, 'reports/index.html').text
assert index.contains('tiny/latest/report.html') || index.contains('tiny/' + dirs[0].name + '/report.html')

String log = new File(basedir, 'build.log').text
assert log.contains('tiny') && log.contains('> 0.6')        // digits:list printed the table
assert log.contains('epoch 2: train loss')                   // per-epoch line in batch mode
assert log.contains('Wrote 1 run page(s) and 0 study page(s)')  // digits:report
assert log.contains('BUILD SUCCESS')

// digits:predict: a table for the folder's two pictures (its text file skipped), then JSON with one prediction
// and one error
assert log.contains('Model tiny/' + dirs[0].name)
assert log =~ /\| image +\| 1st +\| 2nd +\| 3rd +\|/
assert log =~ /\| pictures\/one\.png +\| \d \(\d+\.\d%\)/
assert log =~ /\| pictures\/zero\.jpg +\| \d \(\d+\.\d%\)/
assert !log.contains('pictures/notes.txt')
assert log.contains('"run" : "tiny/' + dirs[0].name + '"')
assert log.contains('"input" : "mixed/one.png"')
assert log.contains('"error" : "mixed/notes.png: not an image; allowed: an image javax.imageio reads: ')
assert log.contains('1 of 2 picture(s) could not be predicted: mixed/notes.png')
assert log.contains('BUILD FAILURE')
assert !log.contains('\tat ') : 'a stack trace was printed without -e'
def predictions = new JsonSlurper().parse(new File(basedir, 'out/predictions.json'))
assert predictions.run == 'tiny/' + dirs[0].name
assert predictions.images*.input == ['pictures/one.png', 'pictures/zero.jpg']
assert predictions.images.every { it.heads[0].top.size() == 3 && it.heads[0].probabilities.size() == 10 }
return true
