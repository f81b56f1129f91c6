package org.xencommlab.hypervisor.handlers;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.xencommlab.api.abi.ArgumentStrategy;
import org.xencommlab.api.abi.PreparedCall;
import org.xencommlab.api.abi.layout.AbiForm;
import org.xencommlab.api.abi.layout.LittleEndian;
import org.xencommlab.api.abi.sysctl.DomainInfo;
import org.xencommlab.api.abi.sysctl.DomainInfoListOutcome;
import org.xencommlab.api.abi.sysctl.GetDomainInfoListRequest;
import org.xencommlab.api.abi.sysctl.SysctlBlock;
import org.xencommlab.api.abi.sysctl.SysctlGetDomainInfoList;
import org.xencommlab.api.errno.XenErrno;
import org.xencommlab.api.hypercall.HypercallNumber;
import org.xencommlab.api.memory.GuestPhysicalMemory;
import org.xencommlab.hypervisor.HypervisorConfig;
import org.xencommlab.hypervisor.TestingGuestCalls;
import org.xencommlab.hypervisor.TestingMachine;
import org.xencommlab.hypervisor.TestingPlacement;
import org.xencommlab.hypervisor.domain.DomainSpec;

/** sysctl getdomaininfolist in both forms: real domain state, privilege, the caller's retry loop. */
final class TestSysctl {
    private static final int PAGE = 4096;

    private TestingMachine m;

    static List<ArgumentStrategy> strategies() {
        return TestingGuestCalls.strategies();
    }

    private TestingGuestCalls boot(ArgumentStrategy strategy, int guests) {
        m = new TestingMachine(HypervisorConfig.defaults().withMachineMemoryBytes(16L << 20), strategy);
        m.hypervisor.createDomain(DomainSpec.dom0(64L * PAGE).withVcpus(2));
        for (int d = 1; d <= guests; d++) {
            m.hypervisor.createDomain(DomainSpec.guest(d * 3, (long) d * PAGE).withMaxMemoryBytes(2L * d * PAGE));
        }
        return new TestingGuestCalls(m, 0, new TestingPlacement(m.entry.physicalMemory(0), PAGE, 16L * PAGE));
    }

    @AfterEach
    void auditIsExact() {
        assertThat(m.hypervisor.audit()).isEmpty();
        assertThat(m.entry.containedFailures()).isZero();
    }

    @ParameterizedTest
    @MethodSource("strategies")
    void listsLiveDomainsFromFirstDomainWithTheirState(ArgumentStrategy strategy) {
        TestingGuestCalls dom0 = boot(strategy, 3);
        DomainInfoListOutcome first = dom0.issue(new GetDomainInfoListRequest(0, 2));
        assertThat(first.result()).isZero();
        assertThat(first.domains()).extracting(DomainInfo::domain).containsExactly(0, 3);
        DomainInfo d0 = first.domains().get(0);
        assertThat(d0.totPages()).isEqualTo(64);
        assertThat(d0.maxPages()).isEqualTo(64);
        assertThat(d0.nrOnlineVcpus()).isEqualTo(2);
        assertThat(d0.maxVcpuId()).isEqualTo(1);
        assertThat(d0.flags()).isEqualTo(DomainInfo.DOMINF_RUNNING);
        assertThat(d0.gpaddrBits()).isEqualTo(18);
        DomainInfo d3 = first.domains().get(1);
        assertThat(d3.totPages()).isEqualTo(1);
        assertThat(d3.maxPages()).isEqualTo(2);
        assertThat(d3.flags()).isEqualTo(DomainInfo.DOMINF_BLOCKED);

        assertThat(dom0.issue(new GetDomainInfoListRequest(4, 10)).domains()).extracting(DomainInfo::domain).containsExactly(6, 9);
        assertThat(dom0.issue(new GetDomainInfoListRequest(10, 10)).domains()).isEmpty();
        assertThat(dom0.issue(new GetDomainInfoListRequest(0, 0)).domains()).as("no room").isEmpty();
        m.hypervisor.destroyDomain(6);
        assertThat(dom0.issue(new GetDomainInfoListRequest(1, 10)).domains()).extracting(DomainInfo::domain).containsExactly(3, 9);
    }

    /** The mail's Problem #3: the caller cannot know the size, so it asks again until a round comes back short. */
    @ParameterizedTest
    @MethodSource("strategies")
    void aCallerThatDoesNotKnowTheSizeRetriesUntilItHasEveryDomain(ArgumentStrategy strategy) {
        TestingGuestCalls dom0 = boot(strategy, 60);
        List<Integer> seen = new ArrayList<>();
        int next = 0;
        int rounds = 0;
        while (true) {
            rounds++;
            GetDomainInfoListRequest ask = new GetDomainInfoListRequest(next, 50);
            List<DomainInfoListOutcome> parts = dom0.issueSplit(ask);
            assertThat(parts).hasSize(1);
            List<DomainInfo> got = parts.get(0).domains();
            got.forEach(d -> seen.add(d.domain()));
            int room = strategy.split(ask).size() == 1 ? ((GetDomainInfoListRequest) strategy.split(ask).get(0)).maxDomains() : 50;
            if (got.size() < room) {
                break;
            }
            next = got.get(got.size() - 1).domain() + 1;
        }
        assertThat(seen).hasSize(61).doesNotHaveDuplicates().isSorted();
        assertThat(rounds).as("50 of room (36 in one embedded block), 61 domains").isEqualTo(2);
    }

    @ParameterizedTest
    @MethodSource("strategies")
    void unprivilegedCallersAndBadStructuresAreRefusedAndNothingIsWritten(ArgumentStrategy strategy) {
        boot(strategy, 1);
        TestingGuestCalls dom3 = new TestingGuestCalls(m, 3, new TestingPlacement(m.entry.physicalMemory(3), 8, PAGE - 8));
        PreparedCall<DomainInfoListOutcome> call = dom3.prepare(new GetDomainInfoListRequest(0, 4));
        long result = m.entry.hypercall(3, 0, call.op(), call.args());
        assertThat(result).isEqualTo(XenErrno.EPERM.asResult());
        assertThat(call.complete(result).domains()).isEmpty();
        byte[] num = new byte[4];
        long numOffset = strategy.form() == AbiForm.POINTER ? SysctlGetDomainInfoList.NUM_DOMAINS_OFFSET : SysctlBlock.NUM_DOMAINS_OFFSET;
        m.entry.physicalMemory(3).read(call.args()[0] + numOffset, num, 0, 4);
        assertThat(LittleEndian.u32(num, 0)).isZero();

        // do_sysctl checks XSM (privilege) before it looks at the command: an unknown command from
        // an unprivileged domain is -EPERM, from the control domain -ENOSYS.
        long cmdOffset = strategy.form() == AbiForm.POINTER ? SysctlGetDomainInfoList.CMD_OFFSET : SysctlBlock.CMD_OFFSET;
        PreparedCall<DomainInfoListOutcome> unknown = dom3.prepare(new GetDomainInfoListRequest(0, 4));
        LittleEndian.putU32(num, 0, 99);
        TestingPlacement.write(m.entry.physicalMemory(3), unknown.args()[0] + cmdOffset, num, 0, 4);
        assertThat(m.entry.hypercall(3, 0, unknown.op(), unknown.args())).isEqualTo(XenErrno.EPERM.asResult());

        TestingGuestCalls dom0 = new TestingGuestCalls(m, 0, new TestingPlacement(m.entry.physicalMemory(0), PAGE, PAGE));
        PreparedCall<DomainInfoListOutcome> bad = dom0.prepare(new GetDomainInfoListRequest(0, 4));
        long versionOffset = strategy.form() == AbiForm.POINTER ? SysctlGetDomainInfoList.INTERFACE_VERSION_OFFSET : SysctlBlock.INTERFACE_VERSION_OFFSET;
        LittleEndian.putU32(num, 0, 0x13);
        TestingPlacement.write(m.entry.physicalMemory(0), bad.args()[0] + versionOffset, num, 0, 4);
        assertThat(m.entry.hypercall(0, 0, bad.op(), bad.args())).isEqualTo(XenErrno.EACCES.asResult());
        assertThat(m.entry.hypercall(0, 0, bad.op(), 1L << 40)).isEqualTo(XenErrno.EFAULT.asResult());
        PreparedCall<DomainInfoListOutcome> unknownFromDom0 = dom0.prepare(new GetDomainInfoListRequest(0, 4));
        LittleEndian.putU32(num, 0, 99);
        TestingPlacement.write(m.entry.physicalMemory(0), unknownFromDom0.args()[0] + cmdOffset, num, 0, 4);
        assertThat(m.entry.hypercall(0, 0, unknownFromDom0.op(), unknownFromDom0.args())).isEqualTo(XenErrno.ENOSYS.asResult());
        // The interface version is Xen 4.19's, the release xen_version reports; 4.16's is refused.
        PreparedCall<DomainInfoListOutcome> old = dom0.prepare(new GetDomainInfoListRequest(0, 4));
        LittleEndian.putU32(num, 0, 0x14);
        TestingPlacement.write(m.entry.physicalMemory(0), old.args()[0] + versionOffset, num, 0, 4);
        assertThat(m.entry.hypercall(0, 0, old.op(), old.args())).isEqualTo(XenErrno.EACCES.asResult());
        assertThat(m.entry.hypercall(0, 0, HypercallNumber.XEN_VERSION, 0, 0)).isEqualTo(0x40013);
    }

    /**
     * Xen's do_sysctl breaks out before it sets num_domains when a record could not be written,
     * and copies nothing back on an error (copyback is -1): the records before the fault arrived,
     * but num_domains keeps the guest's value.
     */
    @ParameterizedTest
    @MethodSource("strategies")
    void aRecordThatCannotBeWrittenIsEfaultAndNothingIsCopiedBack(ArgumentStrategy strategy) {
        boot(strategy, 3);
        GuestPhysicalMemory memory = m.entry.physicalMemory(0);
        long endOfRam = 64L * PAGE;
        long arg;
        long numAddress;
        long recordsAddress;
        if (strategy.form() == AbiForm.POINTER) {
            recordsAddress = endOfRam - 2L * DomainInfo.SIZE;
            arg = PAGE;
            TestingPlacement.write(memory, arg, SysctlGetDomainInfoList.request(0, 4, recordsAddress).encodePointer(), 0,
                    SysctlGetDomainInfoList.SIZE);
            numAddress = arg + SysctlGetDomainInfoList.NUM_DOMAINS_OFFSET;
        } else {
            arg = endOfRam - SysctlBlock.RECORDS_OFFSET - 2L * DomainInfo.SIZE;
            byte[] block = SysctlBlock.encode(0, 4);
            TestingPlacement.write(memory, arg, block, 0, (int) (endOfRam - arg));
            numAddress = arg + SysctlBlock.NUM_DOMAINS_OFFSET;
            recordsAddress = arg + SysctlBlock.RECORDS_OFFSET;
        }
        assertThat(m.entry.hypercall(0, 0, HypercallNumber.SYSCTL, arg)).isEqualTo(XenErrno.EFAULT.asResult());
        byte[] num = new byte[4];
        TestingPlacement.read(memory, numAddress, num, 0, 4);
        assertThat(LittleEndian.u32(num, 0)).as("num_domains as the guest left it").isZero();
        byte[] records = new byte[2 * DomainInfo.SIZE];
        TestingPlacement.read(memory, recordsAddress, records, 0, records.length);
        assertThat(List.of(DomainInfo.decode(records, 0).domain(), DomainInfo.decode(records, DomainInfo.SIZE).domain()))
                .containsExactly(0, 3);
    }
}
