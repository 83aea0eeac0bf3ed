// Both invocations' logs: the mistyped master refused in one line, then the study on Spark.
import groovy.json.JsonSlurper

String log = new File(basedir, 'build.log').text
assert log.contains('-Ddigits.spark.master=locl[2]: allowed: local[N] or local[N,F]')

// one folder per run, each trained as a Spark task (the forced failure retried once), and the study's report
File runs = new File(basedir, 'reports/tiny-study/runs')
def names = runs.listFiles().findAll { it.isDirectory() && !it.name.startsWith('.') }*.name.sort()
assert names == ['base-s7', 'base-s8', 'lr-0.05-s7', 'lr-0.05-s8']
names.each { name ->
    def dirs = new File(runs, name).listFiles().findAll { it.isDirectory() && it.name != 'latest' }
    assert dirs.size() == 1 : "${name}: ${dirs*.name}"
    def report = new JsonSlurper().parse(new File(dirs[0], 'report.json'))
    assert report.status == 'completed'
    assert report.placement.engine == 'spark'
    assert report.placement.master == 'local[2,2]'
    assert report.placement.executor == 'driver'
    assert report.placement.attempt == (name == 'lr-0.05-s8' ? 1 : 0)
    assert report.environment.layerThreads == 1
    assert new File(dirs[0], 'model.zip').length() > 0
    assert new File(dirs[0], 'report.html').text.contains('spark')
}
def studies = new File(basedir, 'reports/tiny-study').listFiles().findAll { it.name != 'latest' && new File(it, 'study.json').exists() }
assert studies.size() == 1
def study = new JsonSlurper().parse(new File(studies[0], 'study.json'))
assert study.rows*.variant == ['base', 'lr-0.05']
assert new File(studies[0], 'study.html').exists()

assert log.contains('Spark 4.0.1, master local[2,2]')
assert log =~ /tiny-study: 4\/4 runs done, \d running, 1 failed, done/
assert log.contains('BUILD SUCCESS')
return true
