import nx from '@nx/eslint-plugin';

// Module boundaries: the two tag axes are `scope:*` (which domain) and `type:*` (what kind of
// project). The constraints below are the platform's architecture rules, checked by `nx lint`:
// apps never import apps; a domain reaches another domain only through its contracts; shared
// plumbing depends on nothing domain-specific; the ontology never depends on ingestion (the
// ontology owns the INGEST input contract).
const domainRule = (scope) => ({
  sourceTag: `scope:${scope}`,
  onlyDependOnLibsWithTags: [`scope:${scope}`, 'scope:shared', 'type:contracts'],
});

export default [
  ...nx.configs['flat/base'],
  ...nx.configs['flat/typescript'],
  { ignores: ['**/dist', '**/node_modules', '**/.vigie', '**/tmp', '**/*.js', '**/*.cjs', '**/*.mjs'] },
  {
    files: ['**/*.ts'],
    rules: {
      '@nx/enforce-module-boundaries': [
        'error',
        {
          enforceBuildableLibDependency: true,
          banTransitiveDependencies: false,
          allow: [],
          depConstraints: [
            { sourceTag: 'type:app', notDependOnLibsWithTags: ['type:app'] },
            {
              sourceTag: 'type:contracts',
              onlyDependOnLibsWithTags: ['type:contracts', 'type:util'],
            },
            { sourceTag: 'type:util', onlyDependOnLibsWithTags: ['type:util', 'type:contracts'] },
            {
              sourceTag: 'type:data-access',
              notDependOnLibsWithTags: ['type:app', 'type:feature'],
            },
            { sourceTag: 'type:feature', notDependOnLibsWithTags: ['type:app'] },
            { sourceTag: 'type:testing', notDependOnLibsWithTags: ['type:app'] },
            { sourceTag: 'scope:shared', onlyDependOnLibsWithTags: ['scope:shared'] },
            domainRule('gateway'),
            domainRule('identity'),
            domainRule('ingestion'),
            domainRule('ontology'),
            domainRule('analytics'),
            domainRule('audit'),
            { sourceTag: 'scope:ontology', notDependOnLibsWithTags: ['scope:ingestion'] },
          ],
        },
      ],
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['**/*.spec.ts', '**/*.integration-spec.ts', 'tests/**/*.ts'],
    rules: { '@typescript-eslint/no-non-null-assertion': 'off' },
  },
];
