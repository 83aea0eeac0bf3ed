// One line naming file, line, field and the allowed range; no stack trace without -e; nothing trained.
String log = new File(basedir, 'build.log').text
String spec = new File(basedir, 'experiments/bad.yaml').canonicalPath
assert log.contains(spec + ':10: training.optimizer.learningRate: 0.0 is out of range; allowed: (0, 10]')
assert log.contains('BUILD FAILURE')
assert !log.contains('\tat ') : 'a stack trace was printed without -e'
assert !new File(basedir, 'reports/bad').exists()
return true
