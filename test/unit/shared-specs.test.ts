import { expect, it } from 'vitest';
import type { SpecPlan } from '../../src/graph/plan-spec.js';
import { describeCorpus, planShared } from '../support/shared-specs.js';

function deps(plan: SpecPlan, id: string): string[] {
  const t = plan.graph.byId.get(id);
  if (!t) throw new Error(`no task ${id}`);
  return t.deps;
}

const units = (plan: SpecPlan): string[] => plan.graph.units.map((u) => u.id);
const groups = (plan: SpecPlan): string[] => plan.graph.tasks.filter((t) => t.group).map((t) => t.id);

describeCorpus('the real spec corpus', () => {
  it('quantumwala test-demo: explicit [depends on:], flat 2 and 2.1 are siblings', async () => {
    const plan = await planShared('quantumwala', 'test-demo');
    expect(plan.spec.location.format).toBe('quantumwala');
    expect(units(plan)).toEqual(['1', '2', '2.1', '2.2', '3']);
    expect(groups(plan)).toEqual([]);
    expect(plan.graph.mode).toBe('explicit');
    expect(plan.graph.byId.get('2.1')?.parent).toBeUndefined();
    expect(deps(plan, '1')).toEqual([]);
    expect(deps(plan, '2.2')).toEqual(['2']);
    expect(deps(plan, '3')).toEqual(['2.1', '2.2']);
    expect(plan.waves).toEqual([['1'], ['2'], ['2.1', '2.2'], ['3']]);
    expect(plan.criticalPath).toEqual(['1', '2', '2.1', '3']);
    expect(plan.warnings).toEqual([]);
  });

  it('quantumwala test-context-integration: done tasks satisfy and are not scheduled', async () => {
    const plan = await planShared('quantumwala', 'test-context-integration');
    expect(units(plan)).toEqual(['1', '1.1', '2', '3', '4']);
    expect(plan.graph.mode).toBe('sequential');
    expect(plan.graph.units.filter((u) => u.status === 'done').map((u) => u.id)).toEqual(['1', '1.1', '3']);
    expect(deps(plan, '2')).toEqual(['1.1']);
    expect(deps(plan, '4')).toEqual(['3']);
    expect(plan.waves).toEqual([['2', '4']]);
  });

  it('quantumwala user-authentication: 15 tasks, sequential by default, parallel on request', async () => {
    const plan = await planShared('quantumwala', 'user-authentication');
    expect(units(plan)).toHaveLength(15);
    expect(deps(plan, '5')).toEqual(['4']);
    expect(deps(plan, '1')).toEqual([]);
    expect(plan.waves).toHaveLength(15);
    const parallel = await planShared('quantumwala', 'user-authentication', { implicit: 'parallel' });
    expect(parallel.graph.mode).toBe('parallel');
    expect(parallel.waves).toEqual([units(plan)]);
  });

  it('quantumwala revenue-optimization: task cards, acceptance criteria are not tasks, prose dependency', async () => {
    const plan = await planShared('quantumwala', 'revenue-optimization');
    expect(plan.spec.tasks.file).toBe(
      '.claude/specs/backlog/revenue-optimization/revenue-optimization-tasks.md',
    );
    expect(units(plan)).toHaveLength(28);
    expect(units(plan).every((id) => /^REV-0\d\d$/.test(id))).toBe(true);
    expect(plan.graph.byId.get('REV-001')?.source.line).toBe(13);
    expect(deps(plan, 'REV-001')).toEqual([]);
    expect(deps(plan, 'REV-007')).toEqual(['REV-002', 'REV-004']);
    expect(deps(plan, 'REV-010')).toEqual(['REV-003', 'REV-009']);
    expect(deps(plan, 'REV-021')).toEqual(units(plan).slice(0, 20));
    expect(deps(plan, 'REV-027')).toEqual(['REV-026']);
    expect(plan.graph.byId.get('REV-001')?.source.effortHours).toBe(8);
    expect(plan.waves.slice(0, 3)).toEqual([
      ['REV-001'],
      ['REV-002', 'REV-003', 'REV-004'],
      ['REV-005', 'REV-006', 'REV-007', 'REV-008', 'REV-009', 'REV-011'],
    ]);
    const prose = plan.warnings.filter((w) => w.message.includes('is not a task ID'));
    expect(prose.map((w) => w.line)).toEqual([595, 614, 671, 692, 730]);
    expect(prose[0]?.message).toBe(
      'task REV-021 depends on "All development tasks", which is not a task ID: taken as every earlier task ' +
        '(REV-001, REV-002, REV-003, REV-004, REV-005, REV-006, REV-007, REV-008 … (20 in all))',
    );
  });

  it('claude-code-spec-workflow dashboard-tunnel: nested groups, everything done', async () => {
    const plan = await planShared('claude-code-spec-workflow', 'dashboard-tunnel');
    expect(plan.spec.location.format).toBe('claude-code-spec-workflow');
    expect(groups(plan)).toEqual(['3', '4', '5', '6', '8', '9']);
    expect(units(plan)).toHaveLength(18);
    expect(plan.graph.byId.get('3.2')?.parent).toBe('3');
    expect(plan.graph.byId.get('3')?.status).toBe('done');
    expect(deps(plan, '4.1')).toEqual(['3.2']);
    expect(plan.graph.byId.get('1')?.source.leverage).toEqual(['src/dashboard/server.ts', 'src/utils.ts']);
    expect(plan.graph.byId.get('2')?.source.requirements).toEqual(['1.1', '1.3', '3.1', '3.2']);
    expect(plan.waves).toEqual([]);
    expect(plan.criticalPath).toEqual([]);
  });

  it('claude-code-spec-workflow typescript-conversion: 24 done tasks under Phase headings', async () => {
    const plan = await planShared('claude-code-spec-workflow', 'typescript-conversion');
    expect(units(plan)).toHaveLength(24);
    expect(plan.spec.tasks.phases).toHaveLength(9);
    expect(deps(plan, '4')).toEqual(['3']);
    expect(plan.waves).toEqual([]);
  });

  it('cc-sdd customer-support-rag-backend: numbered group headings, (P) steps, optional 7.9*', async () => {
    const plan = await planShared('cc-sdd', 'customer-support-rag-backend-en');
    expect(plan.spec.location.format).toBe('cc-sdd');
    expect(plan.spec.meta?.phase).toBe('tasks-generated');
    expect(plan.spec.meta?.approvals.tasks).toEqual({ generated: true, approved: false });
    expect(groups(plan)).toEqual(['1', '2', '3', '4', '5', '6', '7', '8']);
    expect(units(plan)).toHaveLength(28);
    expect(plan.graph.mode).toBe('markers');
    expect(deps(plan, '1.2')).toEqual([]);
    expect(deps(plan, '2.1')).toEqual(['1.1', '1.2', '1.3']);
    expect(deps(plan, '3.2')).toEqual(['2.1', '2.2', '2.3']);
    expect(deps(plan, '4.2')).toEqual(['4.1']);
    expect(deps(plan, '4.3')).toEqual(['4.1']);
    expect(plan.graph.byId.get('7.9')?.skipped).toBe(true);
    expect(plan.waves).toEqual([
      ['1.1', '1.2', '1.3'],
      ['2.1', '2.2', '2.3'],
      ['3.1', '3.2', '3.3'],
      ['4.1'],
      ['4.2', '4.3'],
      ['5.1', '5.2', '5.3'],
      ['6.1'],
      ['6.2'],
      ['7.1', '7.2', '7.3', '7.4'],
      ['7.5'],
      ['7.6', '7.7'],
      ['7.8'],
      ['8.1', '8.2'],
    ]);
    // _Requirements: 6_ names a whole requirement section of requirements.md.
    expect(plan.warnings).toEqual([]);
    const withOptional = await planShared('cc-sdd', 'customer-support-rag-backend-en', {
      includeOptional: true,
    });
    expect(withOptional.waves[11]).toEqual(['7.8', '7.9']);
  });

  it('cc-sdd photo-albums: flat 1 and 1.1 are siblings, sequential', async () => {
    const plan = await planShared('cc-sdd', 'photo-albums-en');
    expect(plan.spec.location.format).toBe('kiro');
    expect(groups(plan)).toEqual([]);
    expect(units(plan)).toHaveLength(41);
    expect(deps(plan, '1.1')).toEqual(['1']);
    expect(deps(plan, '2')).toEqual(['1.2']);
    expect(plan.waves).toHaveLength(41);
  });

  it('kiro github-issue-automation: nested groups, optional tasks skipped and passed through', async () => {
    const plan = await planShared('kiro', 'github-issue-automation');
    expect(groups(plan)).toEqual(['2', '3', '4', '6', '7', '9', '10', '11', '12', '13']);
    expect(units(plan)).toHaveLength(52);
    expect(plan.graph.byId.get('2.2')?.optional).toBe(true);
    expect(plan.graph.byId.get('2')?.status).toBe('done');
    // 5 follows 4.5*, 4.4*, 4.3* (skipped) and so waits for 4.2.
    expect(deps(plan, '5')).toEqual(['4.2']);
    expect(plan.waves).toEqual([['5', '8', '14']]);
    const all = await planShared('kiro', 'github-issue-automation', { includeOptional: true });
    expect(all.graph.byId.get('2')?.status).toBe('in_progress');
    expect(deps(all, '5')).toEqual(['4.5']);
    expect(all.waves[0]).toContain('2.2');
    expect(all.criticalPath).toEqual(['4.3', '4.4', '4.5', '5']);
  });

  it('spec-kit 007-mock-auth: phases are barriers, [P] joins the step before it', async () => {
    const plan = await planShared('spec-kit', 'mock-auth');
    expect(plan.spec.location.name).toBe('007-mock-auth');
    expect(plan.spec.location.format).toBe('spec-kit');
    expect(units(plan)).toHaveLength(25);
    expect(plan.graph.byId.get('T006')?.source.story).toBe('US1');
    expect(deps(plan, 'T002')).toEqual([]);
    expect(deps(plan, 'T004')).toEqual(['T001', 'T002', 'T003']);
    expect(deps(plan, 'T005')).toEqual(['T004']);
    expect(deps(plan, 'T023')).toEqual(['T021']);
    expect(deps(plan, 'T025')).toEqual(['T022', 'T023', 'T024']);
    expect(plan.waves[0]).toEqual(['T001', 'T002', 'T003']);
    expect(plan.waves.at(-2)).toEqual(['T022', 'T023', 'T024']);
    expect(plan.waves).toHaveLength(21);
  });

  it('spec-kit 001-event-discovery-rsvp: 70 tasks, unmarked tasks start steps', async () => {
    const plan = await planShared('spec-kit', '001-event-discovery-rsvp');
    expect(units(plan)).toHaveLength(70);
    expect(plan.spec.tasks.phases).toHaveLength(11);
    expect(deps(plan, 'T002')).toEqual(['T001']);
    expect(deps(plan, 'T004')).toEqual(['T001']);
    expect(deps(plan, 'T011')).toEqual(['T005', 'T006', 'T007', 'T008', 'T009', 'T010']);
    expect(deps(plan, 'T032')).toEqual(['T027', 'T028', 'T029', 'T030', 'T031']);
    expect(deps(plan, 'T069')).toEqual(['T064', 'T065', 'T066', 'T067', 'T068']);
    expect(plan.waves.slice(0, 3)).toEqual([
      ['T001'],
      ['T002', 'T003', 'T004'],
      ['T005', 'T006', 'T007', 'T008', 'T009', 'T010'],
    ]);
  });
});
