/**
 * @jest-environment jsdom
 */
import { act, fireEvent, render, screen } from '@testing-library/react';
import { AdminClient, CreateUserBody, UserView } from '../../lib/admin/admin-client';
import { I18nProvider } from '../i18n-context';
import { CreateUserForm } from './create-user-form';

function setup() {
  localStorage.setItem('vigie.language', 'en');
  const created: CreateUserBody[] = [];
  const client = { create: async (body: CreateUserBody) => (created.push(body), { id: 'u1', ...body } as UserView) } as unknown as AdminClient;
  const onCreated = jest.fn();
  render(
    <I18nProvider>
      <CreateUserForm client={client} tenant={{ realm: 'alpha', enabled: true, roles: [], groups: ['unit-ops'], compartments: ['cyber'] }} onCreated={onCreated} onCancel={jest.fn()} />
    </I18nProvider>,
  );
  return { created, onCreated };
}

describe('CreateUserForm', () => {
  it('names each bad field beside it and sends nothing', async () => {
    const { created } = setup();
    fireEvent.change(screen.getByLabelText('Username'), { target: { value: 'Bad Name' } });
    fireEvent.change(screen.getByLabelText('Compartments (comma-separated)'), { target: { value: 'cyber, op_$x' } });
    await act(async () => fireEvent.click(screen.getByRole('button', { name: 'Create' })));
    expect(document.getElementById('new-username-problem')?.textContent).toContain('lower-case letters');
    expect(document.getElementById('new-email-problem')?.textContent).toBe('Invalid e-mail address.');
    expect(document.getElementById('new-compartments-problem')?.textContent).toBe('Invalid compartment: op_$x (lower-case letters, digits, "-", "_").');
    expect(screen.getByLabelText('Username').getAttribute('aria-invalid')).toBe('true');
    expect(created).toEqual([]);
  });

  it('creates the user with clearance, compartments, roles and groups', async () => {
    const { created, onCreated } = setup();
    fireEvent.change(screen.getByLabelText('Username'), { target: { value: 'jdoe' } });
    fireEvent.change(screen.getByLabelText('E-mail'), { target: { value: 'jdoe@alpha.test' } });
    fireEvent.change(screen.getByLabelText('First name'), { target: { value: 'Jane' } });
    fireEvent.change(screen.getByLabelText('Last name'), { target: { value: 'Doe' } });
    fireEvent.change(screen.getByLabelText('Clearance'), { target: { value: 'S' } });
    fireEvent.change(screen.getByLabelText('Compartments (comma-separated)'), { target: { value: 'cyber' } });
    fireEvent.click(screen.getByLabelText('vigie-analyst'));
    fireEvent.click(screen.getByLabelText('unit-ops'));
    await act(async () => fireEvent.click(screen.getByRole('button', { name: 'Create' })));
    expect(created).toEqual([{ username: 'jdoe', email: 'jdoe@alpha.test', firstName: 'Jane', lastName: 'Doe', clearance: 'S', compartments: ['cyber'], roles: ['vigie-analyst'], groups: ['unit-ops'], enabled: true }]);
    expect(onCreated).toHaveBeenCalledWith(expect.objectContaining({ id: 'u1', username: 'jdoe' }));
  });
});
