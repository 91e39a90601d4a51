export { DASHBOARD_CSP, mountDashboard, type DashboardOptions } from './serve-dashboard.js';
export { DASHBOARD_BUILD_DIR, loadDashboardFiles, type DashboardFiles } from './dashboard-files.js';
