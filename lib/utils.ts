/** @module utils — `cn()` for class names (shadcn-ui convention: components/ui imports it from here). */
import { clsx, type ClassValue } from 'clsx';
import { twMerge } from 'tailwind-merge';

export function cn(...inputs: ClassValue[]) {
  return twMerge(clsx(inputs));
}
