# jrun: the stable make interface (README). Each target works on a fresh Debian 12 machine of this kind, as root.
#   make install  build everything, install /usr/local/bin/jrun and /usr/local/lib/jrun/
#   make demo     install, then run a busybox container that prints a line
#   make test     all unit and integration tests (root)
#   make bench    jrun beside runc (and crun where it runs), writes docs/performance.md
#   make migrate-demo  install, then move a TCP server container with a live connection (checkpoint/restore)
#   make e2e      install, then containerd/ctr, docker and podman drive jrun (integration-tests/e2e, root)
#   make it-off / e2e-off  the integration tests / the clients again with JRUN_DAEMON=off (no resident engine)
#   make soak     SOAK_N lifecycles through one resident engine, its memory, threads and fds checked
#   make fuzz     the config fuzzer and the plan decoder's fuzzer, FUZZ_SECONDS each (docs/fuzzing.md)
#   make deb      target/jrun_VERSION_amd64.deb (PREFIX=/usr); make deb-test installs, uses and purges it
#   make conformance  runtime-tools' validation programs (prebuilt in OCI_VALIDATION_DIR) on jrun beside runc
#   make vm-test  the cgroup v2 and systemd-driver integration tests in pure cgroup v2 QEMU guests (packaging/vm)
SHELL := /bin/bash
JAVA_HOME ?= /usr/lib/jvm/temurin-25-jdk-amd64
export JAVA_HOME
JAVA := $(JAVA_HOME)/bin/java
PREFIX ?= /usr/local
LIBDIR := $(PREFIX)/lib/jrun
BINDIR := $(PREFIX)/bin
# DESTDIR stages an install for a package (make deb): files go under $(DESTDIR), the paths they name stay $(PREFIX)'s.
DESTDIR ?=
DEST_LIBDIR = $(DESTDIR)$(LIBDIR)
# podman's containers.conf drop-in (runtime_supports_json += jrun) goes under $(SYSCONFDIR)/containers.
SYSCONFDIR ?= /etc
# What jrun runs on: Temurin 25 cut by jlink to the modules jrun uses (jdeps over its jars: Logback needs
# java.logging, java.naming and java.xml once --debug turns it on). The smaller module graph starts each call
# ~2.5 ms sooner than the full JDK (docs/performance.md).
JRUN_MODULES := java.base,java.logging,java.naming,java.xml,jdk.unsupported
RUNTIME_JAVA := $(LIBDIR)/runtime/bin/java
MVN := mvn -B -q -ntp
# Test runs keep Maven's normal output: Surefire's "Tests run:" summaries are what CI reads.
MVN_TEST := mvn -B -ntp
COMMIT := $(shell git rev-parse --short HEAD 2>/dev/null || echo unknown)
# Debian packages the build, the tests and the benchmark need.
DEB_PACKAGES := gcc make maven libc6-dev cpp linux-libc-dev busybox-static runc crun libseccomp-dev iproute2 procps \
  python3 qemu-system-x86 linux-libc-dev-arm64-cross linux-libc-dev-armhf-cross linux-libc-dev-riscv64-cross \
  linux-libc-dev-s390x-cross linux-libc-dev-ppc64el-cross clang libclang-rt-14-dev uidmap
# images (docs/images.md): foreign architectures under QEMU user-mode emulation, registered with binfmt_misc
DEB_PACKAGES += qemu-user-static binfmt-support

.PHONY: deps build install aot retire-engines demo test unit-test it it-off e2e e2e-off soak bench jmh fuzz clean migrate-demo

deps:
	@missing=""; for p in $(DEB_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then echo "installing:$$missing"; apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; fi
	@test -x $(JAVA) || { echo "Temurin 25 not found at $(JAVA_HOME) (set JAVA_HOME)"; exit 1; }

build: deps
	rm -rf runtime-cli/target/lib # copy-dependencies never removes a jar the build stopped using
	$(MVN) -DskipTests -Djrun.commit=$(COMMIT) package

install: build
	rm -rf $(DEST_LIBDIR).new && mkdir -p $(DEST_LIBDIR).new/lib $(DESTDIR)$(BINDIR)
	cp runtime-cli/target/runtime-cli-*.jar runtime-cli/target/lib/*.jar $(DEST_LIBDIR).new/lib/
	install -m 0755 native-bindings/target/native/jrun-init $(DEST_LIBDIR).new/jrun-init
	install -m 0644 native-bindings/target/native/libjrun.so $(DEST_LIBDIR).new/libjrun.so
	install -m 0755 native-bindings/target/native/jrun-door $(DEST_LIBDIR).new/jrun-door
	$(JAVA_HOME)/bin/jlink --add-modules $(JRUN_MODULES) --strip-debug --no-header-files --no-man-pages \
	  --generate-cds-archive --output $(DEST_LIBDIR).new/runtime
	rm -rf $(DEST_LIBDIR) && mv $(DEST_LIBDIR).new $(DEST_LIBDIR)
	cp=$$(cd $(DEST_LIBDIR)/lib && ls *.jar | sort | sed 's|^|$(LIBDIR)/lib/|' | tr '\n' ':' | sed 's/:$$//'); \
	sed -e "s|@JAVA@|$(RUNTIME_JAVA)|" -e "s|@LIBDIR@|$(LIBDIR)|g" -e "s|@CLASSPATH@|$$cp|" packaging/jrun.in > $(DESTDIR)$(BINDIR)/jrun.new
	install -m 0755 $(DESTDIR)$(BINDIR)/jrun.new $(DEST_LIBDIR)/jrun-jvm && rm $(DESTDIR)$(BINDIR)/jrun.new
	# jrun is the front door (a symlink: it finds jrun-init and jrun-jvm beside its target); replaced atomically
	ln -sfn ../lib/jrun/jrun-door $(DESTDIR)$(BINDIR)/jrun.new && mv -T $(DESTDIR)$(BINDIR)/jrun.new $(DESTDIR)$(BINDIR)/jrun
	mkdir -p $(DESTDIR)$(SYSCONFDIR)/containers/containers.conf.d
	sed -e "s|/usr/local/bin/jrun|$(BINDIR)/jrun|" packaging/containers.conf.d/jrun.conf \
	  > $(DESTDIR)$(SYSCONFDIR)/containers/containers.conf.d/jrun.conf
	$(MAKE) --no-print-directory install-docs
	bash packaging/criu/install-criu.sh $(DEST_LIBDIR)/criu # checkpoint/restore's criu (docs/checkpoint.md)
	$(MAKE) --no-print-directory aot
	$(if $(DESTDIR),,$(MAKE) --no-print-directory retire-engines)
	$(if $(DESTDIR),,@JRUN_DAEMON=off $(BINDIR)/jrun --version | head -1)

# A new install replaces this install's running engines (their sockets end in LIBDIR, '/' as '_'): each leaves
# within 5 s of its socket being removed (in-flight calls finish), and the next call starts this build's engine.
retire-engines:
	rm -f /run/jrun-engine/engine-*-$(subst /,_,$(LIBDIR)).sock

# The AOT caches: training runs over real commands on busybox bundles, recorded with -XX:AOTCacheOutput:
# jrun.aot over every command (create/start/state/kill/delete/run, and ps/exec/update/events/pause/resume on a
# running container), jrun-launch.aot over create, run and exec, jrun-control.aot over ps, events, pause,
# resume and update, jrun-short.aot over state, start, kill, delete and list (the launcher picks one by
# subcommand).
# Must be rebuilt whenever the classpath changes (every install does).
# With DESTDIR the training runs in a private mount namespace where the staged tree is at LIBDIR
# (packaging/at-final-path.sh): the caches record the class path they were trained with.
aot:
	JAVA=$(RUNTIME_JAVA) LIBDIR=$(LIBDIR) \
	  $(if $(DESTDIR),bash packaging/at-final-path.sh $(DEST_LIBDIR) $(LIBDIR)) bash packaging/train-aot.sh

demo: install
	bash packaging/demo.sh

unit-test: deps
	$(MVN_TEST) -Djrun.commit=$(COMMIT) -DskipITs=true test

# Through the resident engine (the default); the engines the suite started are stopped after, pass or fail.
it: install
	$(MVN_TEST) -pl integration-tests -Djrun.bin=$(BINDIR)/jrun test; status=$$?; $(BINDIR)/jrun daemon --stop; exit $$status

# The same suite with JRUN_DAEMON=off: every call in a JVM of its own (CI runs both; docs/architecture.md).
it-off:
	$(MVN_TEST) -pl integration-tests -Djrun.bin=$(BINDIR)/jrun -Djrun.daemon=off test

test: unit-test it

# Real clients (private containerd 1.6, dockerd 20.10, podman 4.3 under /tmp/jrun-e2e) driving the installed jrun;
# installs the Debian packages of the clients itself. Reference run: bash integration-tests/e2e/run.sh /usr/sbin/runc
e2e: install
	bash integration-tests/e2e/run.sh $(BINDIR)/jrun; status=$$?; $(BINDIR)/jrun daemon --stop; exit $$status

# The clients with JRUN_DAEMON=off: not all of them pass their environment on to the runtime (a call reached the
# engine when it was only exported to them), so they get a `jrun` that sets it (E2E_OFF_DIR/jrun, a two-line sh
# wrapper, named jrun as podman's runtime_supports_json wants; outside E2E_ROOT, whose teardown ends every process
# naming it). It fails if any call still reached an engine.
E2E_OFF_DIR := /tmp/jrun-off-runtime
e2e-off:
	$(BINDIR)/jrun daemon --stop
	rm -rf $(E2E_OFF_DIR) && mkdir -p $(E2E_OFF_DIR)
	printf '#!/bin/sh\nJRUN_DAEMON=off exec %s "$$@"\n' $(BINDIR)/jrun > $(E2E_OFF_DIR)/jrun && chmod 0755 $(E2E_OFF_DIR)/jrun
	bash integration-tests/e2e/run.sh $(E2E_OFF_DIR)/jrun; status=$$?; rm -rf $(E2E_OFF_DIR); \
	if cat /run/jrun-engine/*.pid 2>/dev/null | grep -q .; then echo "e2e-off: a call reached the engine"; $(BINDIR)/jrun daemon --stop; exit 1; fi; \
	exit $$status

# SOAK_N lifecycles through one engine, its RSS, threads and fds before and after (bench/engine-soak.sh).
SOAK_N ?= 2000
soak: install
	SOAK_N=$(SOAK_N) JRUN=$(BINDIR)/jrun bash bench/engine-soak.sh

# Live migration of a TCP echo server container with its connection open (docs/checkpoint.md).
migrate-demo: install
	bash packaging/criu/migrate-demo.sh $(BINDIR)/jrun

bench: install
	JRUN=$(BINDIR)/jrun bash bench/bench.sh
	$(MAKE) --no-print-directory jmh

# JMH micro-benchmarks of the Java hot spots (bench/jmh, Maven profile `jmh`); JMH_OPTS for longer runs.
JMH_OPTS ?= -f 1 -wi 3 -i 5 -w 1s -r 1s
jmh: deps
	$(MVN) -Pjmh -pl bench/jmh -am -DskipTests package
	$(JAVA) -Djrun.spec=$(CURDIR)/bench/data/docker-create-config-memory.json \
	  -cp "bench/jmh/target/jrun-jmh-0.1.0.jar:bench/jmh/target/lib/*" org.openjdk.jmh.Main $(JMH_OPTS) io.jrun.bench

# Long fuzzing runs (docs/fuzzing.md); the build's tests run both for seconds. Jazzer over create's config path
# (ConfigFuzzTest; findings land in its Inputs directory under runtime-core/src/test/resources), then libFuzzer over
# jrun-init's plan decoder, seeded with the plans PlanSeedsTest writes (findings under native-bindings/target/native/fuzz).
# The clients' configs in ../shared, where it sits beside the repo, join the config fuzzer's working corpus.
FUZZ_SECONDS ?= 300
CONFIG_FUZZ_CORPUS := runtime-core/.cifuzz-corpus/io.jrun.core.launch.ConfigFuzzTest/configPath
fuzz: deps
	if [ -d ../shared/reference/client-specs ]; then mkdir -p $(CONFIG_FUZZ_CORPUS) && \
	  cp ../shared/reference/client-specs/*config*.json $(CONFIG_FUZZ_CORPUS)/; fi
	$(MVN_TEST) -pl runtime-core -am -DskipITs=true -Dtest='ConfigFuzzTest,PlanSeedsTest' \
	  -Dsurefire.failIfNoSpecifiedTests=false -Djrun.fuzz.duration=$(FUZZ_SECONDS)s test
	$(MAKE) --no-print-directory -C native-bindings/src/main/c OUT=$(CURDIR)/native-bindings/target/native \
	  FUZZ_SECONDS=$(FUZZ_SECONDS) FUZZ_EXTRA=$(CURDIR)/runtime-core/target/plan-seeds fuzz-run

clean:
	$(MVN) clean

# ---- packaging: man pages, completion, the .deb (docs/packaging.md) ----
.PHONY: docs-gen install-docs deb deb-test
MANDIR := $(PREFIX)/share/man/man8
BASH_COMPLETION_DIR := $(PREFIX)/share/bash-completion/completions
ZSH_COMPLETION_DIR := $(PREFIX)/share/zsh/vendor-completions
FISH_COMPLETION_DIR := $(PREFIX)/share/fish/vendor_completions.d
GENERATED_DOCS := target/generated-docs

# Man pages and completion scripts from the commands' declarations (io.jrun.cli.Docs), from the jars just built.
docs-gen:
	rm -rf $(GENERATED_DOCS)
	$(JAVA) -cp "$$(ls runtime-cli/target/runtime-cli-*.jar):runtime-cli/target/lib/*" io.jrun.cli.Docs $(GENERATED_DOCS)

install-docs: docs-gen
	mkdir -p $(DESTDIR)$(MANDIR) $(DESTDIR)$(BASH_COMPLETION_DIR) $(DESTDIR)$(ZSH_COMPLETION_DIR) $(DESTDIR)$(FISH_COMPLETION_DIR)
	install -m 0644 $(GENERATED_DOCS)/man8/*.8 $(DESTDIR)$(MANDIR)/
	install -m 0644 $(GENERATED_DOCS)/completion/jrun.bash $(DESTDIR)$(BASH_COMPLETION_DIR)/jrun
	install -m 0644 $(GENERATED_DOCS)/completion/_jrun $(DESTDIR)$(ZSH_COMPLETION_DIR)/_jrun
	install -m 0644 $(GENERATED_DOCS)/completion/jrun.fish $(DESTDIR)$(FISH_COMPLETION_DIR)/jrun.fish

# The version of the Maven build (the parent pom's first <version>).
VERSION := $(shell sed -n 's|^  <version>\(.*\)</version>|\1|p' pom.xml | head -1)
DEB := target/jrun_$(VERSION)_amd64.deb
DEB_STAGE := $(CURDIR)/target/deb-root

# The runtime image installed with PREFIX=/usr into a staging tree (its AOT caches trained at /usr/lib/jrun in a
# private mount namespace), then packaged by dpkg-deb; no network.
deb:
	rm -rf $(DEB_STAGE)
	$(MAKE) --no-print-directory install PREFIX=/usr SYSCONFDIR=/etc DESTDIR=$(DEB_STAGE)
	bash packaging/deb/build-deb.sh $(DEB_STAGE) $(VERSION) $(DEB)

# Installs the .deb, runs a busybox container through /usr/bin/jrun, purges it and checks nothing is left.
deb-test: deb
	bash packaging/deb/test-deb.sh $(DEB)

# ---- harnesses in the tree: OCI conformance, the cgroup v2 guest (docs/conformance.md, docs/cgroups.md) ----
.PHONY: conformance vm-test
# runtime-tools' validation programs, prebuilt by the user (the repository holds none of their code): runtimetest
# and validation/*.t in OCI_VALIDATION_DIR. runc is the reference column; the verdict: jrun passes what runc passes.
OCI_VALIDATION_DIR ?= /var/tmp/oci-validation
CONFORMANCE_RUNTIMES ?= runc $(BINDIR)/jrun
conformance: install
	OCI_VALIDATION_DIR=$(OCI_VALIDATION_DIR) bash packaging/conformance/run-validation.sh $(CONFORMANCE_RUNTIMES)

# CgroupV2VmIT and SystemdCgroupVmIT, one boot each of the pure cgroup v2 QEMU guest (packaging/vm/run-in-vm.sh, the
# second with --systemd; a few minutes in all under emulation).
vm-test: install
	$(MVN_TEST) -pl integration-tests -Djrun.bin=$(BINDIR)/jrun -Dtest='CgroupV2VmIT,SystemdCgroupVmIT' -Dsurefire.failIfNoSpecifiedTests=false \
	  -Djrun.vm.script=$(CURDIR)/packaging/vm/run-in-vm.sh test

# The reproducible-build demo (docs/images.md): a small project built twice with `jrun run --image
# --reproducible` and twice on the host, with TZ, LANG, umask, environment and clock different between runs.
.PHONY: repro-demo
repro-demo:
	sh integration-tests/images/repro-demo.sh $(BINDIR)/jrun
