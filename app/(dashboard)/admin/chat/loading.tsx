import { Skeleton } from '@/components/ui/skeleton';

export default function Loading() {
  return (
    <div className="flex h-[calc(100dvh-3.5rem-3rem)] flex-col gap-3" aria-busy="true">
      <div className="flex gap-2">
        <Skeleton className="h-8 w-40" />
        <Skeleton className="h-8 w-28" />
      </div>
      <Skeleton className="flex-1 rounded-xl" />
      <Skeleton className="h-24 rounded-xl" />
    </div>
  );
}
