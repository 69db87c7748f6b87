import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { Navigate, RouterProvider, createBrowserRouter, useParams } from 'react-router';
import { ApiError } from './api/client';
import { AuthGate } from './auth';
import { Layout } from './components/Layout';
import { ApplicationsPage } from './pages/Applications';
import { ClustersPage } from './pages/Clusters';
import { EditorPage } from './pages/Editor';
import { ExecutionPage } from './pages/Execution';
import { PipelinesPage } from './pages/Pipelines';
import './styles.css';

const queryClient = new QueryClient({
  defaultOptions: {
    queries: {
      // A 4xx will answer the same again, but for 429 (the API's rate limit, 50 requests/s per caller by
      // default, which a page of rows reading their executions can reach): anything else is worth a retry.
      retry: (count, error) => (!(error instanceof ApiError && error.status < 500) || error.status === 429) && count < 3,
      retryDelay: (count) => 500 * 2 ** count,
      refetchOnWindowFocus: true,
    },
  },
});

function ToPipelines() {
  const { app = '' } = useParams();
  return <Navigate to={`/applications/${app}/pipelines`} replace />;
}

// Every view has its own URL (the API serves the page for each: apps/api/src/routes/ui).
const router = createBrowserRouter([
  {
    element: <Layout />,
    children: [
      { path: '/', element: <Navigate to="/applications" replace /> },
      { path: '/applications', element: <ApplicationsPage /> },
      { path: '/applications/:app', element: <ToPipelines /> },
      { path: '/applications/:app/pipelines', element: <PipelinesPage /> },
      { path: '/applications/:app/pipelines/new', element: <EditorPage /> },
      { path: '/applications/:app/pipelines/:pipelineId/edit', element: <EditorPage /> },
      { path: '/applications/:app/executions/:id', element: <ExecutionPage /> },
      { path: '/applications/:app/clusters', element: <ClustersPage /> },
      { path: '*', element: <p role="alert">No such page.</p> },
    ],
  },
]);

createRoot(document.getElementById('root') as HTMLElement).render(
  <StrictMode>
    <QueryClientProvider client={queryClient}>
      <AuthGate>
        <RouterProvider router={router} />
      </AuthGate>
    </QueryClientProvider>
  </StrictMode>,
);
