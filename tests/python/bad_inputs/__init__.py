"""Bad-input cases for the landing contract, written as code.

Every case writes a tiny raw root (or damages one) under a pytest tmp_path; nothing here
is a committed data file. ``raw_files`` has the writers and the minimal valid base world,
``cases`` the corpus: cases whose damage staging must absorb (cleaned or set aside with a
reason) share one raw root and one build, each on its own ids; cases whose damage must
stop the build each get a fresh base root of their own.
"""
