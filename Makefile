# jrun: the stable make interface (README). Each target works on a fresh Debian 12 machine of this kind, as root.
#   make install  build everything, install /usr/local/bin/jrun and /usr/local/lib/jrun/
#   make demo     install, then run a busybox container that prints a line
#   make test     all unit and integration tests (root)
#   make bench    jrun beside runc (and crun where it runs), writes docs/performance.md
#   make e2e      install, then containerd/ctr, docker and podman drive jrun (integration-tests/e2e, root)
#   make fuzz     the config fuzzer and the plan decoder's fuzzer, FUZZ_SECONDS each (docs/fuzzing.md)
SHELL := /bin/bash
JAVA_HOME ?= /usr/lib/jvm/temurin-25-jdk-amd64
export JAVA_HOME
JAVA := $(JAVA_HOME)/bin/java
PREFIX ?= /usr/local
LIBDIR := $(PREFIX)/lib/jrun
BINDIR := $(PREFIX)/bin
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
  linux-libc-dev-s390x-cross linux-libc-dev-ppc64el-cross clang libclang-rt-14-dev

.PHONY: deps build install aot demo test unit-test it e2e bench jmh fuzz clean

deps:
	@missing=""; for p in $(DEB_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then echo "installing:$$missing"; apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; fi
	@test -x $(JAVA) || { echo "Temurin 25 not found at $(JAVA_HOME) (set JAVA_HOME)"; exit 1; }

build: deps
	rm -rf runtime-cli/target/lib # copy-dependencies never removes a jar the build stopped using
	$(MVN) -DskipTests -Djrun.commit=$(COMMIT) package

install: build
	rm -rf $(LIBDIR).new && mkdir -p $(LIBDIR).new/lib $(BINDIR)
	cp runtime-cli/target/runtime-cli-*.jar runtime-cli/target/lib/*.jar $(LIBDIR).new/lib/
	install -m 0755 native-bindings/target/native/jrun-init $(LIBDIR).new/jrun-init
	install -m 0644 native-bindings/target/native/libjrun.so $(LIBDIR).new/libjrun.so
	$(JAVA_HOME)/bin/jlink --add-modules $(JRUN_MODULES) --strip-debug --no-header-files --no-man-pages \
	  --generate-cds-archive --output $(LIBDIR).new/runtime
	rm -rf $(LIBDIR) && mv $(LIBDIR).new $(LIBDIR)
	cp=$$(ls $(LIBDIR)/lib/*.jar | sort | tr '\n' ':' | sed 's/:$$//'); \
	sed -e "s|@JAVA@|$(RUNTIME_JAVA)|" -e "s|@LIBDIR@|$(LIBDIR)|g" -e "s|@CLASSPATH@|$$cp|" packaging/jrun.in > $(BINDIR)/jrun.new
	chmod 0755 $(BINDIR)/jrun.new && mv $(BINDIR)/jrun.new $(BINDIR)/jrun
	mkdir -p $(SYSCONFDIR)/containers/containers.conf.d
	sed -e "s|/usr/local/bin/jrun|$(BINDIR)/jrun|" packaging/containers.conf.d/jrun.conf \
	  > $(SYSCONFDIR)/containers/containers.conf.d/jrun.conf
	$(MAKE) --no-print-directory aot
	@$(BINDIR)/jrun --version | head -1

# The AOT caches: training runs over real commands on busybox bundles, recorded with -XX:AOTCacheOutput:
# jrun.aot over every command (create/start/state/kill/delete/run, and ps/exec/update/events/pause/resume on a
# running container), jrun-launch.aot over create, run and exec, jrun-control.aot over ps, events, pause,
# resume and update, jrun-short.aot over state, start, kill, delete and list (the launcher picks one by
# subcommand).
# Must be rebuilt whenever the classpath changes (every install does).
aot:
	JAVA=$(RUNTIME_JAVA) LIBDIR=$(LIBDIR) BINDIR=$(BINDIR) bash packaging/train-aot.sh

demo: install
	bash packaging/demo.sh

unit-test: deps
	$(MVN_TEST) -Djrun.commit=$(COMMIT) -DskipITs=true test

it: install
	$(MVN_TEST) -pl integration-tests -Djrun.bin=$(BINDIR)/jrun test

test: unit-test it

# Real clients (private containerd 1.6, dockerd 20.10, podman 4.3 under /tmp/jrun-e2e) driving the installed jrun;
# installs the Debian packages of the clients itself. Reference run: bash integration-tests/e2e/run.sh /usr/sbin/runc
e2e: install
	bash integration-tests/e2e/run.sh $(BINDIR)/jrun

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
